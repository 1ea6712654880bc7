package dev.sluice.source.mysql;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether an ALTER TABLE may have changed the values of existing rows, which the binlog does not say: a
 * renamed column (rows hold their value under the new name), an added column with a default or a generated one, a
 * conversion ({@code MODIFY}/{@code CHANGE} to another type, length or character set).
 *
 * <p>It compares the table's columns before the statement (from the last TABLE_MAP of it) with its columns now
 * (information_schema). Only where nothing can have changed does it answer no: the columns are the same, or the
 * same less some (a pure DROP COLUMN), and the statement does not modify, rename or add a column (the binlog's column metadata does
 * not carry a VARCHAR's length, so a shortening looks like no change). Without a definition from before (no row
 * of the table since the stream started or since its previous ALTER) the answer is yes. Stateless.
 */
final class AlteredRows {

    /**
     * Clauses that may give columns other values while leaving the column list as it was: a conversion, a
     * renaming (two columns may swap names), an added column (it may replace a dropped one of the same name).
     * {@code ADD INDEX} and the like are not among them.
     */
    private static final Pattern MODIFIES = Pattern.compile("\\b(MODIFY|CHANGE|RENAME\\s+COLUMN)\\b"
            + "|\\bADD\\s+(?!(INDEX|KEY|UNIQUE|PRIMARY|FULLTEXT|SPATIAL|CONSTRAINT|FOREIGN|CHECK|PARTITION|PERIOD|SYSTEM)\\b)");

    private AlteredRows() {}

    /**
     * @param before the table's definition just before the statement, or null where unknown
     * @param now the table's definition now
     * @param sql the statement
     */
    static boolean mayHaveChanged(InfoSchema.TableDef before, InfoSchema.TableDef now, String sql) {
        if (before == null) {
            return true;
        }
        if (MODIFIES.matcher(sql.toUpperCase(Locale.ROOT)).find()) {
            return true;
        }
        return !isSubsequence(now.columns(), before.columns());
    }

    /** True if {@code part} is {@code whole} with zero or more of its columns left out, in the same order. */
    private static boolean isSubsequence(List<ColumnSpec> part, List<ColumnSpec> whole) {
        int i = 0;
        for (ColumnSpec column : whole) {
            if (i < part.size() && part.get(i).equals(column)) {
                i++;
            }
        }
        return i == part.size();
    }
}

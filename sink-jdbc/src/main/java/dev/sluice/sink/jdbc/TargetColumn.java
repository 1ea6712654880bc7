package dev.sluice.sink.jdbc;

import java.util.Locale;

/**
 * A column of an existing target table, as {@code information_schema.columns} describes it.
 *
 * @param name the column name as the database stores it
 * @param dataType the database's type name, lowercase ({@code numeric}, {@code decimal}, {@code text}, …)
 * @param precision a numeric column's declared precision, or null (also for PostgreSQL's unconstrained numeric)
 * @param scale a numeric column's declared scale, or null
 * @param maxLength a character column's declared length in characters, a binary column's in bytes; null for
 *     unbounded types ({@code text}, {@code LONGTEXT}, {@code bytea}, …)
 */
record TargetColumn(String name, String dataType, Integer precision, Integer scale, Long maxLength) {

    TargetColumn {
        dataType = dataType.toLowerCase(Locale.ROOT);
    }

    /** A column without a declared length. */
    TargetColumn(String name, String dataType, Integer precision, Integer scale) {
        this(name, dataType, precision, scale, null);
    }

    /** True for a binary column ({@code binary}, {@code varbinary}, {@code bytea}, blobs). */
    boolean isBinary() {
        return dataType.contains("binary") || dataType.contains("blob") || dataType.equals("bytea");
    }

    /** True for an exact numeric column with a declared precision, into which decimals must fit unrounded. */
    boolean isBoundedDecimal() {
        return (dataType.equals("numeric") || dataType.equals("decimal")) && precision != null && scale != null;
    }

    /** True for a column that holds text, into which any value can go as its exact text form. */
    boolean isText() {
        return dataType.contains("char") || dataType.contains("text");
    }
}

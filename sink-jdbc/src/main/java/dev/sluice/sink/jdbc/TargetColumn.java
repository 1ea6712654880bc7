package dev.sluice.sink.jdbc;

import java.util.Locale;

/**
 * A column of an existing target table, as {@code information_schema.columns} describes it.
 *
 * @param name the column name as the database stores it
 * @param dataType the database's type name, lowercase ({@code numeric}, {@code decimal}, {@code text}, …)
 * @param precision a numeric column's declared precision, or null (also for PostgreSQL's unconstrained numeric)
 * @param scale a numeric column's declared scale, or null
 */
record TargetColumn(String name, String dataType, Integer precision, Integer scale) {

    TargetColumn {
        dataType = dataType.toLowerCase(Locale.ROOT);
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

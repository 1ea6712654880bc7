package dev.sluice.difftest;

import java.util.function.Function;

/**
 * One entry of a type catalogue: the DDL, how to make a value (an SQL literal or expression, or {@code NULL}), how
 * to compare it ({@link Kind}), and, where the default projection of its kind does not fit, how to read it
 * canonically at the source ({@code {c}} stands for the quoted column).
 */
record ColumnType(String label, String ddl, Kind kind, String sourceExpr, Function<Values, String> literal) {

    ColumnType(String ddl, Kind kind, Function<Values, String> literal) {
        this(ddl, ddl, kind, null, literal);
    }

    ColumnType withSource(String expression) {
        return new ColumnType(label, ddl, kind, expression, literal);
    }
}

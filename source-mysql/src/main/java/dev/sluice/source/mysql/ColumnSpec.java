package dev.sluice.source.mysql;

import dev.sluice.Column;
import dev.sluice.Type;
import java.nio.charset.Charset;
import java.util.List;

/**
 * What the source knows of one MySQL column, whether it learnt it from a binlog TABLE_MAP event or from
 * {@code information_schema}; both paths end here, so a snapshot and the binlog give equal {@link Column}s.
 *
 * @param name the column name
 * @param type the MySQL type
 * @param unsigned for integer, decimal and floating types: declared UNSIGNED
 * @param precision decimal digits, or the bit length of a BIT column, or the fractional-second digits of a
 *     TIME/DATETIME/TIMESTAMP column, or the byte length of a BINARY column; 0 otherwise
 * @param scale decimal scale; 0 otherwise
 * @param charset the character set of a text column (null for binary strings and non-string types)
 * @param labels the labels of an ENUM or SET column, in declaration order; empty otherwise
 * @param nullable whether the column accepts NULL
 */
record ColumnSpec(String name, MySqlType type, boolean unsigned, int precision, int scale, Charset charset,
        List<String> labels, boolean nullable) {

    ColumnSpec {
        labels = List.copyOf(labels);
    }

    /**
     * The logical column. Columns with dates are always nullable: a zero date ({@code 0000-00-00}) has no date
     * value and arrives as null.
     */
    Column toColumn() {
        boolean mayBeNull = nullable || type.isTemporalWithDate();
        return new Column(name, logicalType(), mayBeNull, sourceType());
    }

    Type logicalType() {
        return switch (type) {
            case TINYINT, YEAR -> Type.INT16;
            case SMALLINT -> unsigned ? Type.INT32 : Type.INT16;
            case MEDIUMINT -> Type.INT32;
            case INT -> unsigned ? Type.INT64 : Type.INT32;
            case BIGINT -> unsigned ? Type.decimal(20, 0) : Type.INT64;
            case DECIMAL -> Type.decimal(precision, scale);
            case FLOAT -> Type.FLOAT32;
            case DOUBLE -> Type.FLOAT64;
            case BIT -> precision == 1 ? Type.BOOLEAN : Type.BYTES;
            case DATE -> Type.DATE;
            case TIME -> Type.INTERVAL;
            case DATETIME -> Type.TIMESTAMP;
            case TIMESTAMP -> Type.TIMESTAMP_TZ;
            case CHAR, VARCHAR, TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT, SET -> Type.STRING;
            case BINARY, VARBINARY, TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB, GEOMETRY -> Type.BYTES;
            case ENUM -> Type.enumOf(labels);
            case JSON -> Type.JSON;
        };
    }

    /** For example {@code int unsigned}, {@code decimal(12,2)}, {@code datetime(6)}, {@code bit(5)}. */
    String sourceType() {
        String base = type.sqlName();
        switch (type) {
            case DECIMAL:
                return base + "(" + precision + "," + scale + ")" + (unsigned ? " unsigned" : "");
            case BIT: case BINARY:
                return base + "(" + precision + ")";
            case TIME: case DATETIME: case TIMESTAMP:
                return precision > 0 ? base + "(" + precision + ")" : base;
            case SET:
                return base + "(" + String.join(",", labels.stream().map(ColumnSpec::quote).toList()) + ")";
            case TINYINT: case SMALLINT: case MEDIUMINT: case INT: case BIGINT: case FLOAT: case DOUBLE:
                return unsigned ? base + " unsigned" : base;
            default:
                return base;
        }
    }

    private static String quote(String label) {
        return "'" + label.replace("'", "''") + "'";
    }
}

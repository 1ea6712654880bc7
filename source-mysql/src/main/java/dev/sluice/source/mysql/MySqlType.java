package dev.sluice.source.mysql;

import java.util.Locale;

/** The column types of MySQL and MariaDB the source knows, by their {@code information_schema} names. */
enum MySqlType {
    TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, DECIMAL, FLOAT, DOUBLE, BIT, YEAR,
    DATE, TIME, DATETIME, TIMESTAMP,
    CHAR, VARCHAR, TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT,
    BINARY, VARBINARY, TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB,
    ENUM, SET, JSON, GEOMETRY;

    /** The lower-case SQL name. */
    String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isText() {
        return this == CHAR || this == VARCHAR || this == TINYTEXT || this == TEXT || this == MEDIUMTEXT
                || this == LONGTEXT;
    }

    boolean isTemporalWithDate() {
        return this == DATE || this == DATETIME || this == TIMESTAMP;
    }

    /** The text type with this many length bytes (1 tiny, 2 plain, 3 medium, 4 long), or the blob type. */
    static MySqlType lob(int lengthBytes, boolean text) {
        return switch (lengthBytes) {
            case 1 -> text ? TINYTEXT : TINYBLOB;
            case 2 -> text ? TEXT : BLOB;
            case 3 -> text ? MEDIUMTEXT : MEDIUMBLOB;
            default -> text ? LONGTEXT : LONGBLOB;
        };
    }

    /**
     * The type named by {@code information_schema.COLUMNS.DATA_TYPE}, or null if the source does not know it.
     * Geometry subtypes (point, polygon, …) are all {@link #GEOMETRY}.
     */
    static MySqlType fromDataType(String dataType) {
        String name = dataType.toLowerCase(Locale.ROOT);
        switch (name) {
            case "integer":
                return INT;
            case "point": case "linestring": case "polygon": case "multipoint": case "multilinestring":
            case "multipolygon": case "geometrycollection": case "geomcollection":
                return GEOMETRY;
            case "numeric":
                return DECIMAL;
            case "real":
                return DOUBLE;
            default:
                try {
                    return valueOf(name.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return null;
                }
        }
    }
}

package dev.sluice.sink.jdbc;

import dev.sluice.Type;

/**
 * Whether an existing target column can hold the values of a logical type faithfully, judged from the column's
 * actual type in the target database (not from the schema of earlier events): so that a column the user altered
 * by hand is taken as it now is. Stateless.
 */
final class TargetTypes {

    /** What to do with a column: keep it, widen it to the sink's type for the new logical type, or stop. */
    enum Verdict { FITS, WIDEN, REFUSE }

    private TargetTypes() {}

    static Verdict check(Type type, TargetColumn target, SqlDialect dialect) {
        String t = target.dataType();
        Family family = Family.of(t);
        if (family == Family.OTHER || type.kind() == Type.Kind.UNKNOWN) {
            return Verdict.FITS; // a type the sink does not know (a domain, an enum type, …): the database decides
        }
        return switch (type.kind()) {
            case BOOLEAN -> family == Family.BOOLEAN || family == Family.INTEGER ? Verdict.FITS : Verdict.REFUSE;
            case INT16, INT32, INT64 -> integer(type, target, family);
            case FLOAT32 -> family == Family.FLOAT || family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case FLOAT64 -> family == Family.FLOAT ? floatWidth(t) == 8 ? Verdict.FITS : Verdict.WIDEN
                    : family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case DECIMAL -> decimal(type, target, family);
            case STRING, ENUM -> family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case BYTES -> family == Family.BYTES ? Verdict.FITS : Verdict.REFUSE;
            case DATE -> same(family, Family.DATE, dialect);
            case TIME -> same(family, Family.TIME, dialect);
            case TIMESTAMP -> same(family, Family.TIMESTAMP, dialect);
            // PostgreSQL would write an instant into text in the session's time zone: refused there
            case TIMESTAMP_TZ -> family == Family.TIMESTAMP_TZ || family == Family.TEXT && !postgres(dialect)
                    ? Verdict.FITS : Verdict.REFUSE;
            case INTERVAL -> family == Family.INTERVAL || family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case UUID -> family == Family.UUID || family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case JSON -> family == Family.JSON || family == Family.TEXT ? Verdict.FITS : Verdict.REFUSE;
            case ARRAY -> family == Family.ARRAY || family == Family.JSON || family == Family.TEXT
                    ? Verdict.FITS : Verdict.REFUSE;
            case UNKNOWN -> Verdict.FITS;
        };
    }

    private static boolean postgres(SqlDialect dialect) {
        return dialect.dialect() == JdbcDialect.POSTGRESQL;
    }

    /** Temporals: their own type; text on MySQL, where the sink writes them as exact text anyway. */
    private static Verdict same(Family family, Family wanted, SqlDialect dialect) {
        return family == wanted || family == Family.TEXT && !postgres(dialect) ? Verdict.FITS : Verdict.REFUSE;
    }

    private static Verdict integer(Type type, TargetColumn target, Family family) {
        int bytes = switch (type.kind()) {
            case INT16 -> 2;
            case INT32 -> 4;
            default -> 8;
        };
        return switch (family) {
            case INTEGER -> integerWidth(target.dataType()) >= bytes ? Verdict.FITS : Verdict.WIDEN;
            case TEXT -> Verdict.FITS;
            case DECIMAL -> target.precision() == null || target.scale() == null
                    || target.precision() - target.scale() >= (bytes == 2 ? 5 : bytes == 4 ? 10 : 19)
                    ? Verdict.FITS : Verdict.REFUSE;
            default -> Verdict.REFUSE;
        };
    }

    private static Verdict decimal(Type type, TargetColumn target, Family family) {
        if (family == Family.TEXT) {
            return Verdict.FITS; // written as its exact plain text
        }
        if (family == Family.INTEGER && type.hasPrecision() && type.scale() == 0) {
            // whole numbers (a MySQL BIGINT UNSIGNED arrives as decimal(20,0)): the database refuses one out of range
            return Verdict.FITS;
        }
        if (family != Family.DECIMAL) {
            return Verdict.REFUSE;
        }
        if (!type.hasPrecision() || !target.isBoundedDecimal()) {
            return Verdict.FITS; // each value is checked to fit without rounding when it is bound
        }
        boolean fits = target.precision() - target.scale() >= type.precision() - type.scale()
                && target.scale() >= type.scale();
        return fits ? Verdict.FITS : Verdict.WIDEN;
    }

    static int integerWidth(String dataType) {
        return switch (dataType) {
            case "tinyint" -> 1;
            case "smallint" -> 2;
            case "mediumint" -> 3;
            case "int", "integer" -> 4;
            default -> 8;
        };
    }

    private static int floatWidth(String dataType) {
        return dataType.equals("real") || dataType.equals("float") ? 4 : 8;
    }

    /** The kinds of target column types, from {@code information_schema.columns.data_type}. */
    enum Family {
        BOOLEAN, INTEGER, FLOAT, DECIMAL, TEXT, BYTES, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, INTERVAL, UUID, JSON,
        ARRAY, OTHER;

        static Family of(String dataType) {
            return switch (dataType) {
                case "boolean" -> BOOLEAN;
                case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> INTEGER;
                case "real", "float", "double", "double precision" -> FLOAT;
                case "numeric", "decimal" -> DECIMAL;
                case "text", "character varying", "character", "varchar", "char", "tinytext", "mediumtext",
                        "longtext" -> TEXT;
                case "bytea", "blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary" -> BYTES;
                case "date" -> DATE;
                case "time without time zone", "time" -> TIME;
                case "timestamp without time zone", "datetime" -> TIMESTAMP;
                // MySQL's TIMESTAMP is an instant (stored in UTC)
                case "timestamp with time zone", "timestamp" -> TIMESTAMP_TZ;
                case "interval" -> INTERVAL;
                case "uuid" -> UUID;
                case "json", "jsonb" -> JSON;
                case "array" -> ARRAY;
                default -> OTHER;
            };
        }
    }
}

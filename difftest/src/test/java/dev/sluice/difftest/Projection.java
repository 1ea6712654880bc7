package dev.sluice.difftest;

/**
 * How each reader projects a column of a kind to text in SQL ({@code {c}} is the quoted column). The readers set
 * their session to UTC first, so instants print in UTC.
 */
enum Projection {
    PG,
    MARIA,
    DUCKDB;

    static Projection of(Db db) {
        return db == Db.PG ? PG : MARIA;
    }

    String expression(Kind kind, String quotedColumn) {
        return template(kind).replace("{c}", quotedColumn);
    }

    private String template(Kind kind) {
        if (this == MARIA && kind == Kind.FLOAT32) {
            return "CAST({c} AS DOUBLE)"; // the float's exact value, not the 6 digits MariaDB prints
        }
        switch (kind) {
            case FLOAT32:
            case FLOAT64:
            case TEXT:
                return "{c}";
            default:
                break;
        }
        return switch (this) {
            case PG -> switch (kind) {
                case BYTES, BITS -> "encode({c}, 'hex')";
                case MICROS -> "(extract(epoch FROM {c}) * 1000000)::numeric::text";
                default -> "{c}::text";
            };
            case MARIA -> switch (kind) {
                case BYTES, BITS -> "HEX({c})";
                case BOOL -> "CAST({c} + 0 AS CHAR)";
                case UUID, JSON, ARRAY -> "{c}";
                default -> "CAST({c} AS CHAR)";
            };
            case DUCKDB -> switch (kind) {
                case BYTES, BITS -> "hex({c})";
                // DuckDB cannot print every timestamp it reads (the -infinity sentinel of a PostgreSQL source's
                // timestamps is before its range), and a CASE does not keep it from trying: read microseconds,
                // which Kind prints, and DuckDB's infinities as their int64 values (what the file holds)
                case TIMESTAMP, TIMESTAMPTZ -> "'" + Kind.EPOCH_MICROS + "' || CASE WHEN {c} IS NULL THEN NULL"
                        + " WHEN NOT isinf({c}) THEN CAST(epoch_us({c}) AS VARCHAR)"
                        + " WHEN {c} > TIMESTAMP '1970-01-01' THEN '9223372036854775807'"
                        + " ELSE '-9223372036854775807' END";
                // the date sentinels of a PostgreSQL source's infinity are DuckDB's infinite dates
                case DATE -> "CASE WHEN {c} IS NULL THEN NULL WHEN NOT isinf({c}) THEN CAST({c} AS VARCHAR)"
                        + " WHEN {c} > DATE '1970-01-01' THEN '" + Kind.EPOCH_DAYS + "2147483647' ELSE '"
                        + Kind.EPOCH_DAYS + "-2147483647' END";
                case MICROS -> "CAST({c}.months::BIGINT * 2592000000000 + {c}.days::BIGINT * 86400000000"
                        + " + {c}.micros AS VARCHAR)";
                case INTERVAL -> "CAST({c}.months AS VARCHAR) || '/' || CAST({c}.days AS VARCHAR) || '/' ||"
                        + " CAST({c}.micros AS VARCHAR)";
                default -> "CAST({c} AS VARCHAR)";
            };
        };
    }

    String quote(String identifier) {
        return this == MARIA ? "`" + identifier.replace("`", "``") + "`" : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

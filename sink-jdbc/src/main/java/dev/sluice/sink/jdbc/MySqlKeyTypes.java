package dev.sluice.sink.jdbc;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column types of a new MySQL/MariaDB table's primary key. InnoDB refuses a key whose columns can hold more than
 * 3072 bytes together, and utf8mb4 counts 4 bytes for every character a {@code VARCHAR} may hold. So a string or
 * binary key column gets the length its source declared ({@code varchar(100)}, {@code character varying(100)},
 * {@code varbinary(16)}, …) where the schema names one, and the columns without one share what the others leave of
 * the 3072 bytes. A value longer than its column is refused when it is bound, never truncated. Stateless.
 */
final class MySqlKeyTypes {

    /** InnoDB's limit on the bytes of one index entry (with the default 16 KiB pages and DYNAMIC rows). */
    static final int KEY_BYTES = 3072;
    /** utf8mb4: a VARCHAR(n) key part may hold 4 bytes per character. */
    private static final int BYTES_PER_CHAR = 4;
    private static final Pattern DECLARED_TEXT = Pattern.compile(
            "(?i)\\s*(?:character varying|varchar|character|char|nvarchar|nchar|national character varying"
                    + "|national character|national varchar|national char)\\s*\\(\\s*(\\d+)\\s*\\)\\s*");
    private static final Pattern DECLARED_BINARY = Pattern.compile(
            "(?i)\\s*(?:varbinary|binary)\\s*\\(\\s*(\\d+)\\s*\\)\\s*");

    private MySqlKeyTypes() {}

    /** One key column: its type, and the bytes its values may take in the key, or -1 while it still needs a share. */
    private record Part(Column column, String type, long bytes, boolean text) {}

    /**
     * The types of {@code key}'s columns, in its order.
     *
     * @param table the captured table and its target, for messages
     * @throws FatalException if the declared lengths alone exceed the limit, or leave a column no room
     */
    static List<String> of(List<Column> key, String table, MySqlDialect dialect) {
        List<Part> parts = new ArrayList<>();
        long fixed = 0;
        int sharing = 0;
        for (Column column : key) {
            Part part = part(column, table, dialect);
            parts.add(part);
            if (part.bytes() < 0) {
                sharing++;
            } else {
                fixed += part.bytes();
            }
        }
        if (fixed > KEY_BYTES || sharing > 0 && (KEY_BYTES - fixed) / sharing < BYTES_PER_CHAR) {
            throw new FatalException("the primary key of " + table + " " + describe(parts) + " can hold "
                    + (sharing > 0 ? "at least " : "") + fixed + " bytes in MySQL/MariaDB (utf8mb4 counts 4 bytes a"
                    + " character), more than InnoDB's " + KEY_BYTES + "-byte key limit leaves room for. Fix: create"
                    + " the target table yourself with key column types its values fit into within " + KEY_BYTES
                    + " bytes (narrower VARCHARs, or CHARACTER SET ascii / VARBINARY for keys that are ASCII or"
                    + " bytes), the same primary key and the other columns nullable, then restart the pipeline");
        }
        long share = sharing == 0 ? 0 : (KEY_BYTES - fixed) / sharing;
        List<String> types = new ArrayList<>();
        for (Part part : parts) {
            if (part.bytes() >= 0) {
                types.add(part.type());
            } else if (part.text()) {
                types.add("VARCHAR(" + share / BYTES_PER_CHAR + ")");
            } else {
                types.add("VARBINARY(" + share + ")");
            }
        }
        return types;
    }

    private static Part part(Column column, String table, MySqlDialect dialect) {
        Type type = column.type();
        String where = "column '" + column.name() + "' of " + table;
        return switch (type.kind()) {
            case STRING, UNKNOWN -> {
                long declared = declared(DECLARED_TEXT, column.sourceType());
                yield declared > 0 ? text(column, declared) : new Part(column, null, -1, true);
            }
            // an enum's labels are informational (a label added later may be longer): it shares like free text
            case ENUM, JSON, ARRAY -> new Part(column, null, -1, true);
            case BYTES -> {
                long declared = declared(DECLARED_BINARY, column.sourceType());
                yield declared > 0 ? new Part(column, "VARBINARY(" + declared + ")", declared, false)
                        : new Part(column, null, -1, false);
            }
            default -> {
                String sql = dialect.columnType(column, true, where);
                yield new Part(column, sql, fixedBytes(type), false);
            }
        };
    }

    private static Part text(Column column, long chars) {
        return new Part(column, "VARCHAR(" + chars + ")", chars * BYTES_PER_CHAR, true);
    }

    /** The length in a source type such as {@code character varying(100)}, or 0 when it declares none. */
    private static long declared(Pattern pattern, String sourceType) {
        if (sourceType == null) {
            return 0;
        }
        Matcher m = pattern.matcher(sourceType);
        if (!m.matches() || m.group(1).length() > 9) {
            return 0;
        }
        return Long.parseLong(m.group(1));
    }

    /** The bytes a key part of a fixed-size type takes (MySQL's storage requirements). */
    private static long fixedBytes(Type type) {
        return switch (type.kind()) {
            case BOOLEAN -> 1;
            case INT16 -> 2;
            case DATE -> 3;
            case INT32, FLOAT32 -> 4;
            case TIME -> 6;
            case TIMESTAMP_TZ -> 7;
            case INT64, FLOAT64, TIMESTAMP -> 8;
            case DECIMAL -> type.hasPrecision() ? decimalBytes(type.precision(), type.scale())
                    : decimalBytes(MySqlDialect.MAX_PRECISION, MySqlDialect.MAX_SCALE);
            case UUID -> 36L * BYTES_PER_CHAR; // CHAR(36) in utf8mb4
            case INTERVAL -> 64L * BYTES_PER_CHAR; // VARCHAR(64)
            default -> throw new IllegalArgumentException("not a fixed-size type: " + type);
        };
    }

    /** DECIMAL: 4 bytes per 9 digits on each side of the point, and fewer for the rest. */
    static long decimalBytes(int precision, int scale) {
        int[] rest = {0, 1, 1, 2, 2, 3, 3, 4, 4};
        int whole = precision - scale;
        return whole / 9 * 4L + rest[whole % 9] + scale / 9 * 4L + rest[scale % 9];
    }

    private static String describe(List<Part> parts) {
        List<String> columns = new ArrayList<>();
        for (Part part : parts) {
            Column c = part.column();
            columns.add(c.name() + " " + (c.sourceType() != null ? c.sourceType() : c.type().toString()));
        }
        return "(" + String.join(", ", columns) + ")";
    }
}

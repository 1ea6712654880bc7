package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import dev.sluice.Interval;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.List;

/**
 * Turns MySQL values into Sluice values, from a binlog cell ({@link #fromBinlog}) or a snapshot's result set
 * ({@link #fromResultSet}); both give the same value for the same stored data. Stateless.
 */
final class Cells {

    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd()
            .toFormatter();

    private Cells() {}

    /** A cell as {@link RowsDeserializers} read it (null for SQL NULL and zero dates). */
    static Object fromBinlog(ColumnSpec spec, Serializable raw) throws IOException {
        if (raw == null) {
            return null;
        }
        switch (spec.type()) {
            case TINYINT:
                return spec.unsigned() ? (short) (((Integer) raw) & 0xFF) : (short) (int) (Integer) raw;
            case SMALLINT:
                return spec.unsigned() ? (Object) (((Integer) raw) & 0xFFFF) : (Object) (short) (int) (Integer) raw;
            case MEDIUMINT:
                return spec.unsigned() ? ((Integer) raw) & 0xFFFFFF : raw;
            case INT:
                return spec.unsigned() ? (Object) (((Integer) raw) & 0xFFFFFFFFL) : raw;
            case BIGINT:
                return spec.unsigned() ? new BigDecimal(Long.toUnsignedString((Long) raw)) : raw;
            case DECIMAL:
                return ((BigDecimal) raw).setScale(spec.scale(), RoundingMode.UNNECESSARY);
            case FLOAT: case DOUBLE: case DATE: case DATETIME: case TIMESTAMP:
                return raw;
            case BIT:
                return spec.precision() == 1 ? (Object) (((byte[]) raw)[0] != 0) : raw;
            case YEAR:
                return (short) (int) (Integer) raw;
            case TIME:
                return Interval.ofMicros((Long) raw);
            case CHAR: case VARCHAR: case TINYTEXT: case TEXT: case MEDIUMTEXT: case LONGTEXT:
                return new String((byte[]) raw, spec.charset());
            case BINARY: {
                byte[] bytes = (byte[]) raw;
                return bytes.length < spec.precision() ? Arrays.copyOf(bytes, spec.precision()) : bytes;
            }
            case VARBINARY: case TINYBLOB: case BLOB: case MEDIUMBLOB: case LONGBLOB:
                return raw;
            case ENUM: {
                int index = (Integer) raw;
                // index 0 is the error value '' that non-strict mode stores for an invalid label
                return index == 0 ? "" : spec.labels().get(index - 1);
            }
            case SET:
                return setLabels(spec.labels(), (Long) raw);
            case JSON: {
                byte[] bytes = (byte[]) raw;
                // MariaDB stores JSON as text; MySQL in its binary JSON format
                return spec.charset() != null ? new String(bytes, spec.charset()) : JsonBinary.parseAsString(bytes);
            }
            case GEOMETRY:
                return wkb((byte[]) raw);
            default:
                throw new IllegalStateException("unhandled type " + spec.type());
        }
    }

    /**
     * What a snapshot selects for a column ({@code quoted} is its quoted name), for {@link #fromResultSet}: temporal
     * columns as the server's own text. MariaDB Connector/J parses a DATETIME and formats it again with
     * {@code String.format} on every {@code getString}, which cost a fifth of the snapshot thread; a CHAR column's
     * text comes through as sent, and it is the same text the server formats for the temporal column.
     */
    static String selectExpression(ColumnSpec spec, String quoted) {
        return switch (spec.type()) {
            case DATE, DATETIME, TIMESTAMP, TIME -> "CAST(" + quoted + " AS CHAR)";
            // the server sends a FLOAT as text of 6 significant digits (123456.789 comes as 123457); as a DOUBLE
            // its text is exact, so the snapshot reads the float the binlog carries
            case FLOAT -> "CAST(" + quoted + " AS DOUBLE)";
            default -> quoted;
        };
    }

    /** The value of column {@code index} (1-based) of the current row; the session's time zone must be UTC. */
    static Object fromResultSet(ColumnSpec spec, ResultSet rs, int index) throws SQLException {
        switch (spec.type()) {
            case TINYINT: case SMALLINT: case MEDIUMINT: case INT: case BIGINT: {
                // the driver reads the digits straight into the number: no String per value
                Object logical = spec.logicalType().javaType();
                if (logical == Short.class) {
                    short value = rs.getShort(index);
                    return rs.wasNull() ? null : value;
                }
                if (logical == Integer.class) {
                    int value = rs.getInt(index);
                    return rs.wasNull() ? null : value;
                }
                if (logical == Long.class) {
                    long value = rs.getLong(index);
                    return rs.wasNull() ? null : value;
                }
                String text = rs.getString(index); // BIGINT UNSIGNED: decimal(20,0)
                return text == null ? null : new BigDecimal(text);
            }
            case YEAR: {
                String text = rs.getString(index);
                if (text == null) {
                    return null;
                }
                Object logical = spec.logicalType().javaType();
                if (logical == Short.class) {
                    return Short.valueOf(text);
                }
                if (logical == Integer.class) {
                    return Integer.valueOf(text);
                }
                return logical == Long.class ? (Object) Long.valueOf(text) : new BigDecimal(text);
            }
            case DECIMAL: {
                BigDecimal value = rs.getBigDecimal(index);
                return value == null ? null : value.setScale(spec.scale(), RoundingMode.UNNECESSARY);
            }
            case FLOAT: {
                // selected as a DOUBLE (selectExpression): exactly the float's value, narrowed without loss
                double value = rs.getDouble(index);
                return rs.wasNull() ? null : (Object) (float) value;
            }
            case DOUBLE: {
                double value = rs.getDouble(index);
                return rs.wasNull() ? null : value;
            }
            case BIT: {
                byte[] bytes = rs.getBytes(index);
                return bytes == null || spec.precision() != 1 ? bytes : (Object) (bytes[bytes.length - 1] != 0);
            }
            case DATE:
                return parse(rs.getString(index), text -> LocalDate.parse(text));
            case DATETIME:
                return parse(rs.getString(index), Cells::dateTime);
            case TIMESTAMP:
                return parse(rs.getString(index), text -> dateTime(text).toInstant(ZoneOffset.UTC));
            case TIME: {
                String text = rs.getString(index);
                return text == null ? null : Interval.ofMicros(timeMicros(text));
            }
            case BINARY: case VARBINARY: case TINYBLOB: case BLOB: case MEDIUMBLOB: case LONGBLOB:
                return rs.getBytes(index);
            case GEOMETRY: {
                byte[] bytes = rs.getBytes(index);
                return bytes == null ? null : wkb(bytes);
            }
            default:
                // text, enum, set, json
                return rs.getString(index);
        }
    }

    /** {@code [-]h…h:mm:ss[.ffffff]} as signed microseconds. */
    static long timeMicros(String text) {
        boolean negative = text.startsWith("-");
        String[] parts = (negative ? text.substring(1) : text).split(":");
        String[] seconds = parts[2].split("\\.");
        long micros = 0;
        if (seconds.length > 1) {
            String fraction = (seconds[1] + "000000").substring(0, 6);
            micros = Long.parseLong(fraction);
        }
        long total = ((Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1])) * 60 + Long.parseLong(seconds[0]))
                * 1_000_000L + micros;
        return negative ? -total : total;
    }

    private static String setLabels(List<String> labels, long mask) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                text.append(text.length() == 0 ? "" : ",").append(labels.get(i));
            }
        }
        return text.toString();
    }

    /** MySQL stores geometry as a 4-byte SRID followed by WKB; Sluice hands over the WKB. */
    private static byte[] wkb(byte[] stored) {
        return stored.length < 4 ? stored : Arrays.copyOfRange(stored, 4, stored.length);
    }

    private interface Parser {
        Object parse(String text);
    }

    /** {@code 2024-05-31 12:00:00[.ffffff]}: the common form digit by digit, anything else by the formatter. */
    static LocalDateTime dateTime(String text) {
        LocalDateTime common = commonDateTime(text);
        return common != null ? common : LocalDateTime.parse(text, DATE_TIME);
    }

    /**
     * The form a snapshot reads nearly always, {@code YYYY-MM-DD HH:MM:SS[.f{1,6}]} with a valid date and time,
     * without the formatter's cost; null for any other text (zero or invalid dates included), which the formatter
     * then handles exactly as before.
     */
    private static LocalDateTime commonDateTime(String text) {
        int length = text.length();
        if (length < 19 || length == 20 || length > 26 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != ' ' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || length > 19 && text.charAt(19) != '.') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fraction = length > 19 ? digits(text, 20, length - 20) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || month < 1 || month > 12 || day < 1
                || day > java.time.Month.of(month).length(java.time.Year.isLeap(year)) || hour > 23 || minute > 59
                || second > 59) {
            return null;
        }
        for (int i = length - 20; i < 6 && length > 19; i++) {
            fraction *= 10;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, fraction * 1000);
    }

    /** The value of {@code count} decimal digits at {@code start}, or -1 if one is not a digit. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Zero and partly zero dates ({@code 0000-00-00}, {@code 2024-00-10}) have no Java value: null. */
    private static Object parse(String text, Parser parser) {
        if (text == null || text.startsWith("0000-00-00")) {
            return null;
        }
        try {
            return parser.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

package dev.sluice.difftest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a value is compared: every reader (the source, DuckDB, a JDBC target) projects a column to text in SQL, and
 * {@link #canonical(String)} turns that text into one canonical form, so that equal values compare equal whatever
 * the reader printed. Nothing here forgives a different value: only spelling differences are folded.
 */
enum Kind {
    /** Any integer, also unsigned 64-bit and decimals with scale 0: the decimal digits. */
    INT,
    /** Exact decimals: the plain digits without trailing zeros. */
    DECIMAL,
    /** float4 / FLOAT: read with {@code getFloat}, compared as {@link Float#toString}. */
    FLOAT32,
    /** float8 / DOUBLE: read with {@code getDouble}, compared as {@link Double#toString}. */
    FLOAT64,
    BOOL,
    /** Text, compared exactly (read with {@code getString}, no SQL cast, so padding is kept). */
    TEXT,
    /** Bytes as lower-case hex. */
    BYTES,
    /** MySQL BIT(n): the number, whatever its byte length ({@code bytes} in Sluice, an integer at the source). */
    BITS,
    DATE,
    /** Wall-clock date and time, fraction without trailing zeros. */
    TIMESTAMP,
    /** An instant, printed in UTC. */
    TIMESTAMPTZ,
    TIME,
    /** A duration in microseconds (MySQL TIME, which Sluice maps to {@code interval}). */
    MICROS,
    /** A PostgreSQL interval as {@code months/days/micros}, the three parts kept apart as Sluice keeps them. */
    INTERVAL,
    UUID,
    /** JSON text without insignificant whitespace. */
    JSON,
    /** A one-dimensional array: its elements, {@code null} for NULL elements. */
    ARRAY;

    /**
     * The canonical form; text this kind cannot parse (a sink that wrote another type, say) becomes a marker that
     * never equals a source value, so it shows in the diff instead of stopping the comparison.
     */
    String canonical(String text) {
        try {
            return parse(text);
        } catch (RuntimeException e) {
            return "<not a " + name() + ": " + text + ">";
        }
    }

    private String parse(String text) {
        if (text == null) {
            return null;
        }
        switch (this) {
            case INT:
            case DECIMAL:
                return new BigDecimal(text.trim()).stripTrailingZeros().toPlainString();
            case FLOAT32:
            case FLOAT64:
            case TEXT:
            case INTERVAL:
                return text;
            case DATE:
                return text.startsWith(EPOCH_DAYS) ? epochDay(Long.parseLong(text.substring(EPOCH_DAYS.length())))
                        : text;
            case BOOL:
                return switch (text.trim().toLowerCase(Locale.ROOT)) {
                    case "t", "true", "1" -> "true";
                    case "f", "false", "0" -> "false";
                    default -> "?" + text;
                };
            case BYTES:
                return text.toLowerCase(Locale.ROOT);
            case BITS:
                return text.isEmpty() ? "0" : new BigInteger(text, 16).toString();
            case TIMESTAMP:
            case TIMESTAMPTZ:
            case TIME:
                return dateTime(text);
            case MICROS:
                return new BigDecimal(text.trim()).toBigIntegerExact().toString();
            case UUID:
                return text.toLowerCase(Locale.ROOT);
            case JSON:
                return json(text);
            case ARRAY:
                return array(text);
            default:
                throw new IllegalStateException(name());
        }
    }

    /**
     * Marks a date the DuckDB projection gives as days since 1970-01-01 ({@link Projection}): the days of the
     * {@code infinity} sentinels, which it cannot print as dates of its own.
     */
    static final String EPOCH_DAYS = "days:";
    /** Marks a timestamp the DuckDB projection gives as microseconds since 1970-01-01 00:00 (UTC for instants). */
    static final String EPOCH_MICROS = "us:";

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    /** The date of an epoch day, as PostgreSQL and DuckDB print one (years past 9999 with a sign). */
    static String epochDay(long day) {
        return LocalDate.ofEpochDay(day).toString();
    }

    /** The date and time of epoch microseconds, canonical ({@link #dateTime}). */
    static String epochMicros(long micros) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return dateTime(DATE_TIME.format(t));
    }

    /** {@code 2020-01-02T03:04:05.500000+00:00} and {@code 2020-01-02 03:04:05.5} are both {@code …05.5}. */
    static String dateTime(String text) {
        if (text.startsWith(EPOCH_MICROS)) {
            return epochMicros(Long.parseLong(text.substring(EPOCH_MICROS.length())));
        }
        String s = text.trim().replace('T', ' ');
        for (String utc : List.of("+00:00", "+00", "Z", " UTC")) {
            if (s.endsWith(utc)) {
                s = s.substring(0, s.length() - utc.length());
                break;
            }
        }
        int dot = s.lastIndexOf('.');
        if (dot > s.lastIndexOf(':')) {
            int end = s.length();
            while (end > dot + 1 && s.charAt(end - 1) == '0') {
                end--;
            }
            s = end == dot + 1 ? s.substring(0, dot) : s.substring(0, end);
        }
        return s;
    }

    /** Drops whitespace outside string literals. */
    static String json(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (!Character.isWhitespace(c)) {
                out.append(c);
                inString = c == '"';
            }
        }
        return out.toString();
    }

    /** {@code {1,2,NULL}} (PostgreSQL), {@code [1, 2, NULL]} (DuckDB) and {@code [1,2,null]} (JSON) are alike. */
    static String array(String text) {
        String s = text.trim();
        s = s.substring(1, s.length() - 1).trim();
        List<String> elements = new ArrayList<>();
        if (!s.isEmpty()) {
            for (String e : s.split(",")) {
                String v = e.trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                } else if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
                    v = v.substring(1, v.length() - 1);
                }
                elements.add(v.equalsIgnoreCase("null") ? "null" : v);
            }
        }
        return elements.toString();
    }
}

package dev.sluice.capture;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The text form of the values a timestamp cursor holds (an update timestamp and key values): a one-letter tag
 * naming the Java type, a colon, and a form that reads back to an equal value. Stateless and thread-safe.
 */
final class CursorValues {

    private CursorValues() {}

    static String encode(Object value) {
        if (value == null) {
            return "z:";
        }
        String tag;
        String text = value.toString();
        if (value instanceof Boolean) {
            tag = "b";
        } else if (value instanceof Short) {
            tag = "s";
        } else if (value instanceof Integer) {
            tag = "i";
        } else if (value instanceof Long) {
            tag = "l";
        } else if (value instanceof Float) {
            tag = "f";
        } else if (value instanceof Double) {
            tag = "g";
        } else if (value instanceof BigDecimal) {
            tag = "n";
        } else if (value instanceof String) {
            tag = "t";
        } else if (value instanceof byte[] bytes) {
            tag = "x";
            text = HexFormat.of().formatHex(bytes);
        } else if (value instanceof LocalDate) {
            tag = "D";
        } else if (value instanceof LocalTime) {
            tag = "T";
        } else if (value instanceof LocalDateTime) {
            tag = "L";
        } else if (value instanceof Instant) {
            tag = "I";
        } else if (value instanceof UUID) {
            tag = "u";
        } else {
            throw new IllegalArgumentException("a " + value.getClass().getName() + " cannot be part of a cursor: "
                    + "choose a key and timestamp column of a scalar type");
        }
        return tag + ":" + text;
    }

    static Object decode(String encoded) {
        int colon = encoded.indexOf(':');
        if (colon != 1) {
            throw new IllegalArgumentException("a cursor value looks like '<tag>:<text>', got '" + encoded + "'");
        }
        String text = encoded.substring(2);
        return switch (encoded.charAt(0)) {
            case 'z' -> null;
            case 'b' -> Boolean.valueOf(text);
            case 's' -> Short.valueOf(text);
            case 'i' -> Integer.valueOf(text);
            case 'l' -> Long.valueOf(text);
            case 'f' -> Float.valueOf(text);
            case 'g' -> Double.valueOf(text);
            case 'n' -> new BigDecimal(text);
            case 't' -> text;
            case 'x' -> HexFormat.of().parseHex(text);
            case 'D' -> LocalDate.parse(text);
            case 'T' -> LocalTime.parse(text);
            case 'L' -> LocalDateTime.parse(text);
            case 'I' -> Instant.parse(text);
            case 'u' -> UUID.fromString(text);
            default -> throw new IllegalArgumentException("unknown cursor value tag in '" + encoded + "'");
        };
    }

    /** Compares two cursor values of the same column; strings and bytes compare as Java does. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.compareUnsigned(x, y);
        }
        return ((Comparable) a).compareTo(b);
    }
}

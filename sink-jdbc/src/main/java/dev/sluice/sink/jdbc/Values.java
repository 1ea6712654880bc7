package dev.sluice.sink.jdbc;

import dev.sluice.FatalException;
import dev.sluice.Interval;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Text forms of values, for the places where SQL takes text: MySQL temporals, JSON arrays, PostgreSQL arrays. */
final class Values {

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS", Locale.ROOT);

    private Values() {}

    /** {@code 2024-02-29 13:45:00.000001}: MySQL's DATETIME input form, no zone. */
    static String dateTime(LocalDateTime value) {
        return DATE_TIME.format(value);
    }

    /** The instant as a UTC wall-clock time, for a session whose time zone is {@code +00:00}. */
    static String utc(Instant value) {
        return DATE_TIME.format(LocalDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    static String time(LocalTime value) {
        return TIME.format(value);
    }

    /** PostgreSQL's interval input with the three parts kept apart: {@code 14 mons -3 days 5 microseconds}. */
    static String pgInterval(Interval value) {
        return value.months() + " mons " + value.days() + " days " + value.micros() + " microseconds";
    }

    /** Checks that a decimal goes into a {@code numeric(p,s)} column without rounding; returns it at that scale. */
    static BigDecimal fit(BigDecimal value, TargetColumn target, String where) {
        BigDecimal scaled;
        try {
            scaled = value.setScale(target.scale());
        } catch (ArithmeticException e) {
            scaled = null;
        }
        if (scaled == null || scaled.precision() - scaled.scale() > target.precision() - target.scale()) {
            throw new FatalException("the value " + value.toPlainString() + " of " + where + " does not fit the"
                    + " target column's type " + target.dataType() + "(" + target.precision() + "," + target.scale()
                    + ") without rounding. Fix: widen the target column (or change it to a text type, which keeps"
                    + " the exact text), then restart the pipeline.");
        }
        return scaled;
    }

    /** The JSON text of a value: arrays become JSON arrays, numbers and booleans stay bare, the rest strings. */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        appendJson(out, value);
        return out.toString();
    }

    private static void appendJson(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                appendJson(out, list.get(i));
            }
            out.append(']');
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short) {
            out.append(value);
        } else if (value instanceof BigDecimal decimal) {
            out.append(decimal.toPlainString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                appendString(out, value.toString());
            }
        } else if (value instanceof byte[] bytes) {
            appendString(out, Base64.getEncoder().encodeToString(bytes));
        } else {
            appendString(out, value.toString()); // temporals, UUIDs, intervals: ISO-8601 / canonical text
        }
    }

    private static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A PostgreSQL array literal such as {@code {"a","b",NULL}}, every element quoted and escaped. */
    static String pgArray(List<?> list) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ",");
            Object element = list.get(i);
            if (element == null) {
                out.append("NULL");
                continue;
            }
            String text = element instanceof byte[] bytes ? "\\x" + HexFormat.of().formatHex(bytes)
                    : element instanceof Interval interval ? pgInterval(interval)
                    : element instanceof Instant instant ? instant.toString()
                    : element instanceof BigDecimal decimal ? decimal.toPlainString()
                    : element.toString();
            out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append('}').toString();
    }
}

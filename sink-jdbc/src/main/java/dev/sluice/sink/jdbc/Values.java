package dev.sluice.sink.jdbc;

import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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

    /**
     * The JSON text of a value: arrays become JSON arrays, numbers (decimals too, which the target's JSON type keeps
     * as numbers) and booleans stay bare, non-finite floats and the rest become strings (bytes in base64, temporals,
     * UUIDs and intervals in ISO-8601 or canonical text). Written by the shared codec, {@link Json}.
     */
    static String json(Object value) {
        return Json.write(model(value));
    }

    private static Object model(Object value) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                out.add(model(element));
            }
            return out;
        }
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            return Double.isFinite(((Number) value).doubleValue()) ? value : value.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString(); // temporals, UUIDs, intervals: ISO-8601 / canonical text
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

package dev.sluice.capture;

import dev.sluice.Column;
import dev.sluice.Type;
import dev.sluice.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Decodes the values of JSON row images into logical values, for {@link CaptureDialect#decode(Object, Column)}
 * implementations: they handle what is special to their product and hand everything else here. Stateless and
 * thread-safe.
 *
 * <p>What it reads, per kind: booleans from {@code true}/{@code false} or {@code 0}/{@code 1}; integers and
 * decimals from numbers, exactly (a decimal with a declared scale is brought to that scale, never rounded);
 * floats from numbers or {@code "NaN"}/{@code "Infinity"}/{@code "-Infinity"}; dates, times and zone-less
 * timestamps from ISO text ({@code T} or a space between date and time); instants from ISO text with an offset,
 * or from a number of seconds since the epoch; bytes from {@code \x}-prefixed hex or else base64; JSON columns
 * from a nested value (written back in {@code jsonb} style); arrays element by element.
 */
public final class JsonValues {

    private JsonValues() {}

    /**
     * The value of {@code column} that {@code json} (a JSON model value, see {@link CaptureDialect}) holds.
     *
     * @param json a value of the JSON model, or null
     * @param column the column, not null
     * @return a value of the column's type, or null
     * @throws IllegalArgumentException if the value cannot be read as the column's type; the message names both
     */
    public static Object decode(Object json, Column column) {
        return decode(json, column.type(), column.name());
    }

    private static Object decode(Object json, Type type, String name) {
        if (json == null) {
            return null;
        }
        try {
            Object value = convert(json, type, name);
            if (!type.accepts(value)) {
                throw new IllegalArgumentException("does not fit");
            }
            return value;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read the value " + Json.writeJsonbStyle(json) + " of column '" + name
                    + "' as " + type + ": " + e.getMessage(), e);
        }
    }

    private static Object convert(Object json, Type type, String name) {
        switch (type.kind()) {
            case BOOLEAN:
                return json instanceof BigDecimal d ? d.signum() != 0 : (Boolean) json;
            case INT16:
                return number(json).shortValueExact();
            case INT32:
                return number(json).intValueExact();
            case INT64:
                return number(json).longValueExact();
            case FLOAT32:
                return json instanceof String s ? Float.parseFloat(s) : number(json).floatValue();
            case FLOAT64:
                return json instanceof String s ? Double.parseDouble(s) : number(json).doubleValue();
            case DECIMAL:
                BigDecimal d = json instanceof String s ? new BigDecimal(s) : number(json);
                return type.hasPrecision() ? d.setScale(type.scale(), RoundingMode.UNNECESSARY) : d;
            case STRING:
            case ENUM:
            case UNKNOWN:
                return json instanceof String s ? s : Json.writeJsonbStyle(json);
            case JSON:
                return Json.writeJsonbStyle(json);
            case BYTES:
                String bytes = (String) json;
                return bytes.startsWith("\\x") ? HexFormat.of().parseHex(bytes, 2, bytes.length())
                        : Base64.getDecoder().decode(bytes);
            case DATE:
                return LocalDate.parse((String) json);
            case TIME:
                return LocalTime.parse((String) json);
            case TIMESTAMP:
                return LocalDateTime.parse(((String) json).replace(' ', 'T'));
            case TIMESTAMP_TZ:
                return instant(json);
            case UUID:
                return UUID.fromString((String) json);
            case ARRAY:
                List<?> elements = (List<?>) json;
                List<Object> out = new ArrayList<>(elements.size());
                for (Object element : elements) {
                    out.add(decode(element, type.elementType(), name + "[]"));
                }
                return java.util.Collections.unmodifiableList(out);
            default:
                throw new IllegalArgumentException("no generic reading for " + type);
        }
    }

    private static BigDecimal number(Object json) {
        if (json instanceof BigDecimal d) {
            return d;
        }
        if (json instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return new BigDecimal((String) json);
    }

    private static Instant instant(Object json) {
        if (json instanceof BigDecimal seconds) {
            BigDecimal micros = seconds.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY);
            long m = micros.longValueExact();
            return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
        }
        String text = ((String) json).replace(' ', 'T');
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // PostgreSQL may write a whole-hour offset as "+05"
            if (text.matches(".*[+-]\\d\\d")) {
                return OffsetDateTime.parse(text + ":00").toInstant();
            }
            throw e;
        }
    }
}

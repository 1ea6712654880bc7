package dev.sluice.json;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns change events into JSON text or into maps of the {@link Json JSON model}, the same way for every sink that
 * wants one: a custom sink that posts events to an HTTP endpoint, a queue, a log.
 *
 * <h2>The event</h2>
 * {@link #toMap(ChangeEvent)} gives, in this order: {@code op} ({@code "INSERT"}, …, see {@link dev.sluice.Op}),
 * {@code namespace} and {@code table}, {@code key} (the key column names), {@code before} and {@code after} (each an
 * object of column name to value, or {@code null} where the event has no such image), {@code unchanged} (the names
 * of columns whose value the source did not send; their value in {@code after} is {@code null}), {@code offset}
 * (its {@link dev.sluice.Offset#encode() text}), {@code commitTime} (ISO-8601 instant, or {@code null}) and
 * {@code transactionId} (or {@code null}). {@link #toJson(ChangeEvent)} is that map as compact JSON text.
 *
 * <h2>Values, per {@link Type.Kind}</h2>
 * <table>
 *   <caption>How each logical type appears in JSON</caption>
 *   <tr><th>kind</th><th>JSON</th><th>in the map</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@code true}/{@code false}</td><td>{@code Boolean}</td></tr>
 *   <tr><td>INT16, INT32, INT64</td><td>a number</td><td>{@code Short}, {@code Integer}, {@code Long}</td></tr>
 *   <tr><td>FLOAT32, FLOAT64</td><td>a number; {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} as
 *       strings, since JSON has no such numbers</td><td>{@code Float}, {@code Double}, or that string</td></tr>
 *   <tr><td>DECIMAL</td><td>a string holding the exact decimal in plain notation, scale kept ({@code "12.50"}):
 *       a JSON number would be read as a double by many readers and lose digits</td><td>{@code String}</td></tr>
 *   <tr><td>STRING, ENUM, UNKNOWN</td><td>a string; characters beyond U+FFFF (4 bytes in UTF-8) kept as they
 *       are, control characters escaped</td><td>{@code String}</td></tr>
 *   <tr><td>BYTES</td><td>a string, base64 (RFC 4648, with padding)</td><td>{@code String}</td></tr>
 *   <tr><td>DATE, TIME, TIMESTAMP</td><td>ISO-8601 text without zone ({@code 2024-02-29},
 *       {@code 13:45:00.000001}, {@code 2024-02-29T13:45}): these columns have none, and none is made up</td>
 *       <td>{@code String}</td></tr>
 *   <tr><td>TIMESTAMP_TZ</td><td>ISO-8601 instant in UTC with its zone, {@code 2024-02-29T12:45:00Z}</td>
 *       <td>{@code String}</td></tr>
 *   <tr><td>INTERVAL</td><td>ISO-8601 duration ({@link dev.sluice.Interval#toString()})</td>
 *       <td>{@code String}</td></tr>
 *   <tr><td>UUID</td><td>its canonical text</td><td>{@code String}</td></tr>
 *   <tr><td>JSON</td><td>the document itself, embedded (not a string holding it)</td><td>the JSON model of
 *       {@link Json#parse(String)}</td></tr>
 *   <tr><td>ARRAY</td><td>an array, each element mapped by its element type</td><td>{@code List}</td></tr>
 * </table>
 * {@code null} is {@code null} for every kind.
 *
 * <p>Stateless and thread-safe. The maps returned are new and modifiable.
 */
public final class ChangeEventJson {

    private ChangeEventJson() {}

    /**
     * The event as compact JSON text (see the class description).
     *
     * @param event the event, not null
     * @return the event's JSON text, one line, keys in the order of the class description
     * @throws IllegalArgumentException if a JSON column holds text that is not JSON
     */
    public static String toJson(ChangeEvent event) {
        return Json.write(toMap(event));
    }

    /**
     * The event as a map of the JSON model (see the class description).
     *
     * @param event the event, not null
     * @return a new, modifiable map with the keys of the class description, in that order
     * @throws IllegalArgumentException if a JSON column holds text that is not JSON
     */
    public static Map<String, Object> toMap(ChangeEvent event) {
        Schema schema = event.schema();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("op", event.op().name());
        map.put("namespace", event.table().namespace());
        map.put("table", event.table().name());
        List<Object> key = new ArrayList<>();
        for (Column column : schema.keyColumns()) {
            key.add(column.name());
        }
        map.put("key", key);
        map.put("before", rowToMap(schema, event.before()));
        map.put("after", rowToMap(schema, event.after()));
        List<Object> unchanged = new ArrayList<>();
        for (int index : event.unchangedColumns()) {
            unchanged.add(schema.column(index).name());
        }
        map.put("unchanged", unchanged);
        map.put("offset", event.offset() == null ? null : event.offset().encode());
        map.put("commitTime", event.commitTime() == null ? null : event.commitTime().toString());
        map.put("transactionId", event.transactionId());
        return map;
    }

    /**
     * A row as an object of column name to value, in the schema's column order; {@code null} for a null row.
     *
     * @param schema the row's schema, not null; gives the column names and types
     * @param row the row, its values aligned to {@code schema}; may be null
     * @return a new, modifiable map, or {@code null} if {@code row} is null
     * @throws IllegalArgumentException if a JSON column holds text that is not JSON
     */
    public static Map<String, Object> rowToMap(Schema schema, Row row) {
        if (row == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) {
            Column column = schema.column(i);
            try {
                map.put(column.name(), value(row.get(i), column.type()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
            }
        }
        return map;
    }

    /**
     * One value of a column of this type, as the JSON model (see the table in the class description).
     *
     * @param value a value of the type's Java class ({@link Type#accepts(Object)}), or null
     * @param type the column's type, not null
     * @return the value in the JSON model, or {@code null} for {@code null}
     * @throws IllegalArgumentException if a JSON value is not JSON text, or the value does not fit the type
     */
    public static Object value(Object value, Type type) {
        if (value == null) {
            return null;
        }
        if (!type.accepts(value)) {
            throw new IllegalArgumentException("the value " + value + " (" + value.getClass().getName()
                    + ") is not of type " + type);
        }
        switch (type.kind()) {
            case BOOLEAN, INT16, INT32, INT64:
                return value;
            case FLOAT32, FLOAT64:
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? value : value.toString(); // NaN, Infinity, -Infinity
            case DECIMAL:
                return ((BigDecimal) value).toPlainString();
            case BYTES:
                return Base64.getEncoder().encodeToString((byte[]) value);
            case JSON:
                try {
                    return Json.parse((String) value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a JSON value that is not JSON: " + e.getMessage(), e);
                }
            case ARRAY:
                List<?> elements = (List<?>) value;
                List<Object> out = new ArrayList<>(elements.size());
                for (Object element : elements) {
                    out.add(value(element, type.elementType()));
                }
                return out;
            default:
                // strings, enums, unknowns as they are; temporals, intervals and UUIDs in their ISO/canonical text
                return value.toString();
        }
    }
}

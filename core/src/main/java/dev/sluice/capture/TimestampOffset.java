package dev.sluice.capture;

import dev.sluice.Offset;
import dev.sluice.TableId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The position of timestamp capture: per table, the (update timestamp, key…) of the last row delivered, and what
 * the targets know of its columns ({@link TableShape}, entries {@code ;!…} after the cursors; an offset written
 * before the shapes were kept has none). Rows strictly after a table's cursor are still to come. Tables without a
 * cursor start from their first row. Immutable.
 */
final class TimestampOffset implements Offset {

    static final String TAG = "ts:";

    private final Map<TableId, List<Object>> cursors;
    private final Map<TableId, TableShape> shapes;

    TimestampOffset(Map<TableId, List<Object>> cursors) {
        this(cursors, Map.of());
    }

    TimestampOffset(Map<TableId, List<Object>> cursors, Map<TableId, TableShape> shapes) {
        this.shapes = Map.copyOf(shapes);
        TreeMap<TableId, List<Object>> sorted = new TreeMap<>(
                (a, b) -> a.namespace().equals(b.namespace()) ? a.name().compareTo(b.name())
                        : a.namespace().compareTo(b.namespace()));
        cursors.forEach((table, cursor) -> sorted.put(table, Collections.unmodifiableList(new ArrayList<>(cursor))));
        this.cursors = Collections.unmodifiableMap(sorted);
    }

    static TimestampOffset empty() {
        return new TimestampOffset(Map.of());
    }

    /** The cursor of a table, or null if nothing of it was delivered yet. */
    List<Object> cursor(TableId table) {
        return cursors.get(table);
    }

    Map<TableId, List<Object>> cursors() {
        return cursors;
    }

    /** This offset with one table's cursor replaced. */
    TimestampOffset with(TableId table, List<Object> cursor) {
        Map<TableId, List<Object>> copy = new HashMap<>(cursors);
        copy.put(table, cursor);
        return new TimestampOffset(copy, shapes);
    }

    /** What the targets know of a table's columns, or null. */
    TableShape shape(TableId table) {
        return shapes.get(table);
    }

    Map<TableId, TableShape> shapes() {
        return shapes;
    }

    /** This offset with one table's shape replaced. */
    TimestampOffset withShape(TableId table, TableShape shape) {
        Map<TableId, TableShape> copy = new HashMap<>(shapes);
        copy.put(table, shape);
        return new TimestampOffset(cursors, copy);
    }

    /** This offset with every cursor raised to at least {@code other}'s for the same table (and other's tables). */
    TimestampOffset atLeast(TimestampOffset other) {
        TimestampOffset merged = this;
        for (Map.Entry<TableId, List<Object>> e : other.cursors.entrySet()) {
            List<Object> mine = cursors.get(e.getKey());
            if (mine == null || compare(mine, e.getValue()) < 0) {
                merged = merged.with(e.getKey(), e.getValue());
            }
        }
        return merged;
    }

    /** This offset without a table's cursor: the table is read again from its first row. */
    TimestampOffset without(TableId table) {
        Map<TableId, List<Object>> copy = new HashMap<>(cursors);
        copy.remove(table);
        return new TimestampOffset(copy, shapes);
    }

    @Override
    public String encode() {
        StringBuilder text = new StringBuilder(TAG);
        boolean first = true;
        for (Map.Entry<TableId, List<Object>> e : cursors.entrySet()) {
            text.append(first ? "" : ";");
            first = false;
            text.append(escape(e.getKey().namespace())).append(',').append(escape(e.getKey().name()));
            for (Object value : e.getValue()) {
                text.append(',').append(escape(CursorValues.encode(value)));
            }
        }
        TableShape.encode(text, shapes);
        return text.toString();
    }

    static TimestampOffset decode(String encoded) {
        if (!encoded.startsWith(TAG)) {
            throw new IllegalArgumentException("expected a timestamp capture offset starting with '" + TAG
                    + "', got '" + encoded + "': was it written by another source?");
        }
        Map<TableId, List<Object>> cursors = new HashMap<>();
        Map<TableId, TableShape> shapes = new HashMap<>();
        String body = encoded.substring(TAG.length());
        if (!body.isEmpty()) {
            for (String table : body.split(";", -1)) {
                if (table.isEmpty() && cursors.isEmpty() || TableShape.decode(table, shapes)) {
                    continue; // no cursors before the shapes, or a shape
                }
                String[] parts = table.split(",", -1);
                if (parts.length < 3) {
                    throw new IllegalArgumentException("damaged timestamp capture offset '" + encoded + "'");
                }
                List<Object> cursor = new ArrayList<>();
                for (int i = 2; i < parts.length; i++) {
                    cursor.add(CursorValues.decode(unescape(parts[i])));
                }
                cursors.put(TableId.of(unescape(parts[0]), unescape(parts[1])), cursor);
            }
        }
        return new TimestampOffset(cursors, shapes);
    }

    /**
     * True if every table's cursor here is at or after its cursor in {@code other}, and every re-read the other asks
     * for is done.
     */
    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof TimestampOffset that)) {
            throw new IllegalArgumentException("not a timestamp capture offset: " + other);
        }
        for (Map.Entry<TableId, List<Object>> e : that.cursors.entrySet()) {
            List<Object> mine = cursors.get(e.getKey());
            if (mine == null || compare(mine, e.getValue()) < 0) {
                return false;
            }
        }
        return TableShape.covers(shapes, that.shapes);
    }

    private static int compare(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = CursorValues.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String escape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimestampOffset other && encode().equals(other.encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    @Override
    public String toString() {
        return encode();
    }
}

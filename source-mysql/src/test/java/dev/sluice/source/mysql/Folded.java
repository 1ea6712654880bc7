package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's state as a sink's reader rebuilds it from events: after the last TRUNCATE, the last change per key in
 * order, deletes removed. Values as text (bytes in hex) so that maps compare by content.
 */
final class Folded {

    private Folded() {}

    /** The state of {@code table} after {@code events}, key text to row text. */
    static Map<String, String> fold(List<ChangeEvent> events, TableId table) {
        Map<String, String> rows = new TreeMap<>();
        for (ChangeEvent event : events) {
            if (!event.table().equals(table)) {
                continue;
            }
            if (event.op() == Op.TRUNCATE) {
                rows.clear();
                continue;
            }
            if (event.before() != null) {
                rows.remove(key(event.schema(), event.before()));
            }
            if (event.op() != Op.DELETE) {
                rows.put(key(event.schema(), event.after()), text(event.after().values()));
            }
        }
        return rows;
    }

    static String key(Schema schema, Row row) {
        List<Object> key = new ArrayList<>();
        for (int i : schema.keyIndexes()) {
            key.add(row.get(i));
        }
        return text(key);
    }

    static String text(List<Object> values) {
        StringBuilder text = new StringBuilder();
        for (Object value : values) {
            text.append(text.length() == 0 ? "" : "|")
                    .append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value));
        }
        return text.toString();
    }
}

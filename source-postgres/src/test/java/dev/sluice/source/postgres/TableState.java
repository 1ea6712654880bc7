package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.Row;
import dev.sluice.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state a sink holds after applying change events the way readers rebuild a table: after the last TRUNCATE,
 * the last change per key in order, deletes removed. Rows in comparable text forms, by table and key.
 */
final class TableState {

    private final Map<String, Map<String, String>> tables = new TreeMap<>();

    static TableState of(List<ChangeEvent> events) {
        TableState state = new TableState();
        events.forEach(state::apply);
        return state;
    }

    void apply(ChangeEvent event) {
        Map<String, String> rows = tables.computeIfAbsent(event.table().toString(), t -> new TreeMap<>());
        Schema schema = event.schema();
        switch (event.op()) {
            case TRUNCATE -> rows.clear();
            case DELETE -> rows.remove(key(schema, event.before()));
            default -> {
                if (event.before() != null) {
                    rows.remove(key(schema, event.before()));
                }
                rows.put(key(schema, event.after()), text(event.after().values()));
            }
        }
    }

    Map<String, Map<String, String>> tables() {
        return tables;
    }

    private static String key(Schema schema, Row row) {
        List<Object> values = new ArrayList<>();
        for (int index : schema.keyIndexes()) {
            values.add(row.get(index));
        }
        return text(values);
    }

    static String text(List<Object> values) {
        List<String> texts = new ArrayList<>(values.size());
        for (Object value : values) {
            if (value instanceof byte[] bytes) {
                texts.add(Arrays.toString(bytes));
            } else if (value instanceof BigDecimal decimal) {
                texts.add(decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString());
            } else {
                texts.add(String.valueOf(value));
            }
        }
        return String.join("|", texts);
    }

    @Override
    public String toString() {
        return tables.toString();
    }
}

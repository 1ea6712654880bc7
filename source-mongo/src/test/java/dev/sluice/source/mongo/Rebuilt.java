package dev.sluice.source.mongo;

import dev.sluice.ChangeEvent;
import dev.sluice.Row;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A collection's state rebuilt from change events by applying them in order, by key: what a sink would hold. */
final class Rebuilt {

    private Rebuilt() {}

    /** The {@code document} JSON per {@code _id} text after applying {@code events} in order. */
    static Map<String, String> apply(List<ChangeEvent> events) {
        Map<String, String> state = new TreeMap<>();
        for (ChangeEvent event : events) {
            switch (event.op()) {
                case READ, INSERT, UPDATE -> {
                    Row after = event.after();
                    if (!event.isUnchanged(1)) {
                        state.put((String) after.get(0), (String) after.get(1));
                    }
                }
                case DELETE -> state.remove((String) event.before().get(0));
                case TRUNCATE -> state.clear();
            }
        }
        return state;
    }
}

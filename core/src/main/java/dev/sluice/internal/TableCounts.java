package dev.sluice.internal;

import dev.sluice.TableId;
import java.util.HashMap;
import java.util.Map;

/** Events per table: written since the last commit, and committed. Used by one thread. */
final class TableCounts {
    private final Map<TableId, long[]> pending = new HashMap<>();
    private final Map<TableId, Long> committed = new HashMap<>();
    private TableId lastTable;
    private long[] lastCount;

    void written(TableId table) {
        // events come in runs of one table: skip the lookup while the table stays the same
        if (table != lastTable) {
            lastTable = table;
            lastCount = pending.computeIfAbsent(table, t -> new long[1]);
        }
        lastCount[0]++;
    }

    void commit() {
        pending.forEach((table, count) -> committed.merge(table, count[0], Long::sum));
        discardPending();
    }

    void discardPending() {
        pending.clear();
        lastTable = null;
        lastCount = null;
    }

    Map<TableId, Long> committed() {
        return Map.copyOf(committed);
    }
}

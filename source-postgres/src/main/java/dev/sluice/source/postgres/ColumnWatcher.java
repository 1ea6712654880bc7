package dev.sluice.source.postgres;

import dev.sluice.TableId;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds captured tables whose columns changed in a way that can change existing rows by comparing the catalog
 * with its state at the last check, every {@code tableCheckInterval}: a change of the columns (see
 * {@link SchemaChange}), or a rewrite of the table together with a change of its column rows (an
 * {@code ALTER COLUMN ... TYPE ... USING} that keeps the type, a volatile default added), which no Relation message
 * shows. The stream's Relation messages see column changes too, but only at the table's next row change; this sees
 * a DDL that no row change follows, a few seconds after its commit. It remembers, per table, the columns for which
 * a read was last asked, so a column change seen both here and in the stream is read once.
 *
 * <p>Uses the stream's metadata connection, on the capture thread only.
 */
final class ColumnWatcher {

    /** What the catalog says of a table's columns: the columns, its storage and its column rows' versions. */
    record State(SchemaChange.Shape shape, long relfilenode, String versions) {}

    /** A change of a table's columns, seen in the catalog. */
    record Changed(long oid, TableId table, String change, SchemaChange.Shape shape) {}

    private final Catalog catalog;
    private final Map<Long, State> known = new HashMap<>();
    private final Map<Long, SchemaChange.Shape> marked = new HashMap<>();

    ColumnWatcher(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The tables' catalog state as {@code source} sees it (now, or in a snapshot's transaction), as the state the
     * next check compares with; returns them.
     */
    Map<Long, State> seed(Catalog source, List<Catalog.TableInfo> tables) throws SQLException {
        Map<Long, State> states = source.columnStates(tables);
        known.putAll(states);
        return states;
    }

    /**
     * The tables whose columns changed since the last check (or since {@link #seed}), leaving out a column change
     * to columns whose read was already asked for. A table seen for the first time is only remembered.
     */
    List<Changed> check(List<Catalog.TableInfo> tables) throws SQLException {
        Map<Long, State> states = catalog.columnStates(tables);
        List<Changed> changed = new ArrayList<>();
        Set<Long> present = new HashSet<>();
        for (Catalog.TableInfo table : tables) {
            State current = states.get(table.oid());
            if (current == null) {
                continue; // dropped since the table list was read
            }
            present.add(table.oid());
            State previous = known.put(table.oid(), current);
            if (previous == null) {
                continue;
            }
            String change = SchemaChange.between(previous.shape(), current.shape());
            if (change != null && alreadyMarked(table.oid(), current.shape())) {
                continue;
            }
            if (change == null && previous.relfilenode() != current.relfilenode()
                    && !previous.versions().equals(current.versions())) {
                change = "rewritten by an ALTER TABLE of its columns (a type change with USING, or a volatile"
                        + " default)";
            }
            if (change != null) {
                changed.add(new Changed(table.oid(), table.id(), change, current.shape()));
            }
        }
        known.keySet().retainAll(present);
        marked.keySet().retainAll(present);
        return changed;
    }

    /** The tables' state as of the last check (or seed), by OID. */
    Map<Long, State> known() {
        return Map.copyOf(known);
    }

    /**
     * Whether a read of the table with exactly these columns was already asked for. Its marker lies after the DDL
     * that made these columns, and the stream has no change of the table in the older columns between that DDL and
     * the table's first Relation message after it, so one read covers both sightings.
     */
    boolean alreadyMarked(long oid, SchemaChange.Shape shape) {
        SchemaChange.Shape last = marked.get(oid);
        return last != null && last.sameColumns(shape);
    }

    /** A read of the table with these columns was asked for (its marker committed). */
    void marked(long oid, SchemaChange.Shape shape) {
        marked.put(oid, shape);
    }
}

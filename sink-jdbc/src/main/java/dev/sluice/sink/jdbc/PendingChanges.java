package dev.sluice.sink.jdbc;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes of one table, under one schema, reduced to the last per key, then applied as JDBC batches. Since
 * each key keeps only its final change, applying all deletes and then all upserts ends in the state the events
 * describe in order. Confined to the sink's thread.
 */
final class PendingChanges {

    /** The final change of one key: a full row to upsert, a row with unchanged columns to update, or a delete. */
    private record Change(Object[] row, BitSet unchanged, boolean delete, boolean flagged, int size) {
        Change(Object[] row, BitSet unchanged, boolean delete, int size) {
            this(row, unchanged, delete, false, size);
        }
    }

    /** Key values compared by content; decimals by value, as the database compares them. */
    private record Key(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.deepEquals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(values);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PendingChanges.class);

    private final TableState table;
    private final SqlDialect dialect;
    private final int batchSize;
    private final long batchBytes;
    private final int[] keyIndexes;
    private final Map<Key, Change> changes = new LinkedHashMap<>();

    PendingChanges(TableState table, SqlDialect dialect, int batchSize, long batchBytes) {
        this.table = table;
        this.dialect = dialect;
        this.batchSize = batchSize;
        this.batchBytes = batchBytes;
        this.keyIndexes = table.schema.keyIndexes();
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    void add(ChangeEvent event) {
        Op op = event.op();
        int size = event.estimatedSize();
        if (op == Op.DELETE) {
            Object[] before = event.before().values().toArray();
            Key key = key(before);
            Change previous = changes.get(key);
            if (table.softDeletes() && previous != null && !previous.delete() && previous.unchanged() == null) {
                // the row was written in this batch: write it flagged, so that it exists to carry the flag
                changes.remove(key);
                changes.put(key, new Change(previous.row(), null, false, true, previous.size()));
            } else {
                changes.put(key, new Change(before, null, true, size));
            }
            return;
        }
        Object[] values = afterValues(event);
        Key newKey = key(values);
        Object[] before = movedFrom(event, newKey);
        // the values of unchanged columns come from the earlier change of the row: under its old key if it moved
        Change previous = changes.get(before != null ? key(before) : newKey);
        if (before != null) {
            changes.put(key(before), new Change(before, null, true, size)); // the key itself changed
        }
        BitSet unchanged = null;
        if (event.hasUnchanged()) {
            unchanged = new BitSet();
            for (int i : event.unchangedColumns()) {
                if (isKey(i)) {
                    continue;
                }
                if (previous != null && !previous.delete()
                        && (previous.unchanged() == null || !previous.unchanged().get(i))) {
                    values[i] = previous.row()[i]; // an earlier change in this batch has the value
                } else {
                    unchanged.set(i);
                }
            }
            if (unchanged.isEmpty()) {
                unchanged = null;
            }
        }
        changes.remove(newKey); // keep the order of final changes
        changes.put(newKey, new Change(values, unchanged, false, size));
    }

    /** The after image, with key columns the source left out taken from the before image. */
    private Object[] afterValues(ChangeEvent event) {
        Row after = event.after();
        Object[] values = after.values().toArray();
        for (int k : keyIndexes) {
            if (event.isUnchanged(k)) {
                if (event.before() == null) {
                    throw new FatalException("an update of " + event.table() + " leaves its key column '"
                            + event.schema().column(k).name() + "' out and has no before image, so the row cannot"
                            + " be found: " + event + ". This is a source bug; report it.");
                }
                values[k] = event.before().get(k);
            }
        }
        return values;
    }

    /** The before image of an update that changes the row's key, or null if the key stays (or is unknown). */
    private Object[] movedFrom(ChangeEvent event, Key newKey) {
        if (event.op() != Op.UPDATE || event.before() == null) {
            return null;
        }
        Object[] before = event.before().values().toArray();
        Key oldKey = key(before);
        return !oldKey.equals(newKey) && Arrays.stream(oldKey.values).allMatch(v -> v != null) ? before : null;
    }

    /**
     * True if this update changes the row's key and leaves out columns (unchanged TOAST values) that no earlier
     * change in this batch has: their values are only in the target's row under the old key, which must then be
     * copied to the new key ({@link #copyRow}) after the changes before it are applied.
     */
    boolean needsTargetRow(ChangeEvent event) {
        if (event.op() != Op.UPDATE || !event.hasUnchanged()) {
            return false;
        }
        Object[] before = movedFrom(event, key(afterValues(event)));
        if (before == null) {
            return false;
        }
        Change previous = changes.get(key(before));
        for (int i : event.unchangedColumns()) {
            boolean isKey = isKey(i);
            if (!isKey && (previous == null || previous.delete()
                    || previous.unchanged() != null && previous.unchanged().get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the target's row under the update's old key to its new key (replacing a row of the new key: at this
     * point of the source's order the new key is free), so that the columns the update leaves out keep their
     * values. Does nothing if the old row is missing. Call with nothing pending, then {@link #add} the update.
     */
    void copyRow(Connection connection, ChangeEvent event) throws SQLException {
        Change from = new Change(event.before().values().toArray(), null, true, 0);
        Change to = new Change(afterValues(event), null, false, 0);
        try (PreparedStatement exists = connection.prepareStatement(table.exists())) {
            bindKey(exists, from, 1);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    return; // nothing to copy: the update is applied as for a missing row
                }
            }
        }
        run(connection, table.hardDelete(), List.of(to), "delete", (st, c) -> bindKey(st, c, 1));
        run(connection, table.copyRow(), List.of(to), "copy", (st, c) -> {
            int index = 1;
            for (int i = 0; i < to.row().length; i++) {
                if (isKey(i)) { // the select list names the new key's values in schema order
                    dialect.bind(st, index++, table.schema.column(i).type(), to.row()[i], table.target(i),
                            table.where(i));
                }
            }
            bindKey(st, from, index);
        });
    }

    private boolean isKey(int index) {
        return Arrays.stream(keyIndexes).anyMatch(k -> k == index);
    }

    private Key key(Object[] row) {
        Object[] values = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            Object value = row[keyIndexes[i]];
            values[i] = value instanceof BigDecimal decimal ? decimal.stripTrailingZeros() : value;
        }
        return new Key(values);
    }

    /** Applies every pending change and forgets them. */
    void apply(Connection connection) throws SQLException {
        List<Change> deletes = new ArrayList<>();
        List<Change> upserts = new ArrayList<>();
        Map<BitSet, List<Change>> partial = new LinkedHashMap<>();
        for (Change change : changes.values()) {
            if (change.delete()) {
                deletes.add(change);
            } else if (change.unchanged() == null) {
                upserts.add(change);
            } else {
                partial.computeIfAbsent(change.unchanged(), u -> new ArrayList<>()).add(change);
            }
        }
        changes.clear();
        if (!deletes.isEmpty()) {
            run(connection, table.delete(), deletes, "delete", (s, c) -> bindKey(s, c, 1));
        }
        if (!upserts.isEmpty()) {
            run(connection, table.upsert(), upserts, "upsert", (s, c) -> {
                int index = bindAll(s, c, null, 1);
                if (table.softDeletes()) {
                    s.setBoolean(index, c.flagged());
                }
            });
        }
        for (Map.Entry<BitSet, List<Change>> group : partial.entrySet()) {
            applyPartial(connection, group.getKey(), group.getValue());
        }
    }

    /** Updates that leave unchanged columns alone; a row that is missing is inserted without them. */
    private void applyPartial(Connection connection, BitSet unchanged, List<Change> group) throws SQLException {
        List<Integer> set = table.setColumns(unchanged);
        int[] counts = run(connection, table.partialUpdate(unchanged), group, "update", (s, c) -> {
            int index = 1;
            for (int i : set) {
                dialect.bind(s, index++, table.schema.column(i).type(), c.row()[i], table.target(i), table.where(i));
            }
            if (table.softDeletes()) {
                s.setBoolean(index++, false);
            }
            bindKey(s, c, index);
        });
        List<Change> missing = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                missing.add(group.get(i));
            }
        }
        if (!missing.isEmpty()) {
            // the source did not send these columns' values and the target never had the row: the row is
            // inserted with those columns left to their default (NULL); see the sink's documentation
            log.warn("{} updates of {} found no row to update"
                    + " and left columns {} out: inserted those rows with the columns at their default",
                    missing.size(), table.source, unchanged);
            run(connection, table.partialInsert(unchanged), missing, "insert", (s, c) -> {
                int index = bindAll(s, c, unchanged, 1);
                if (table.softDeletes()) {
                    s.setBoolean(index, false);
                }
            });
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement, Change change) throws SQLException;
    }

    private int[] run(Connection connection, String sql, List<Change> rows, String what, Binder binder)
            throws SQLException {
        int[] counts = new int[rows.size()];
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int start = 0;
            long bytes = 0;
            for (int i = 0; i < rows.size(); i++) {
                binder.bind(statement, rows.get(i));
                statement.addBatch();
                bytes += rows.get(i).size();
                // bounded in rows and in bytes: the driver holds a whole batch's values until it sends them
                if (i - start + 1 == batchSize || bytes >= batchBytes || i == rows.size() - 1) {
                    int[] done = statement.executeBatch();
                    System.arraycopy(done, 0, counts, start, Math.min(done.length, i - start + 1));
                    start = i + 1;
                    bytes = 0;
                }
            }
        } catch (SQLException e) {
            if (dialect.dialect() == JdbcDialect.POSTGRESQL && Errors.state(e).equals("54000")
                    && Errors.describe(e).contains("index row")) {
                throw keyTooLarge(rows, e);
            }
            throw new SQLException("cannot " + what + " " + rows.size() + " rows of " + table.source + " in "
                    + table.sql + ": " + Errors.describe(e), e.getSQLState(), e.getErrorCode(), e);
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == Statement.SUCCESS_NO_INFO) {
                counts[i] = 1; // the driver does not say: assume the row was there
            }
        }
        return counts;
    }

    /**
     * PostgreSQL refused a key too large for the primary key's btree index (an entry holds at most about 2700 bytes,
     * a third of a page, after compression): names the key column with the largest value among the rows.
     */
    private FatalException keyTooLarge(List<Change> rows, SQLException e) {
        int widest = keyIndexes[0];
        long widestBytes = -1;
        for (Change change : rows) {
            for (int k : keyIndexes) {
                Object value = change.row()[k];
                long bytes = value == null ? 0 : value instanceof byte[] b ? b.length
                        : value.toString().getBytes(StandardCharsets.UTF_8).length;
                if (bytes > widestBytes) {
                    widest = k;
                    widestBytes = bytes;
                }
            }
        }
        return new FatalException("a key of " + table.source + " is too large for the primary key index of "
                + table.sql + ": " + table.where(widest) + " holds a value of " + widestBytes + " bytes, and a"
                + " PostgreSQL btree index entry holds at most about 2700 bytes (after compression); the sink never"
                + " truncates a key (" + Errors.describe(e) + "). Fix: keep keys that large out of the source table,"
                + " or leave the table out with the source's table filter; a target table of your own would need the"
                + " same primary key, which PostgreSQL cannot index either", e);
    }

    private int bindAll(PreparedStatement statement, Change change, BitSet skip, int first) throws SQLException {
        int index = first;
        for (int i = 0; i < change.row().length; i++) {
            if (skip == null || !skip.get(i)) {
                dialect.bind(statement, index++, table.schema.column(i).type(), change.row()[i], table.target(i),
                        table.where(i));
            }
        }
        return index;
    }

    private void bindKey(PreparedStatement statement, Change change, int first) throws SQLException {
        int index = first;
        for (int k : keyIndexes) {
            dialect.bind(statement, index++, table.schema.column(k).type(), change.row()[k], table.target(k),
                    table.where(k));
        }
    }
}

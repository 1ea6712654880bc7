package dev.sluice.capture;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one chunk of an incremental snapshot, by primary key, reconciled with the log (the DBLog method).
 *
 * <p>A source reads a chunk (the next rows of a table in key order) while its log stream is paused at some position
 * {@code P}, then notes a high watermark {@code H} in the log (a logical message, a binlog position). Until the
 * stream reaches {@code H}, every change the log delivers for the chunk's table is passed to {@link #reconcile}: a
 * key the log changes is dropped from the chunk, because the log's own events bring that key's state up to
 * {@code H}, and a chunk row could be older than them. At {@code H} the rows left are emitted as {@code READ}
 * events: for each of them, no change between the read and {@code H} exists, so the read value is the state at
 * {@code H}, and every change after {@code H} follows it in the stream. The read must see every transaction the
 * stream delivered before {@code P} (a source checks this where its database can lose it, see its docs), so a
 * chunk row is never older than an event already delivered.
 *
 * <p>Not thread-safe: used by a stream's capture thread only. Memory: the rows read, bounded by the source's chunk
 * size in rows and bytes.
 */
public final class SnapshotChunk {

    private final TableId table;
    private final Schema schema;
    private final int[] key;
    private final Map<Key, Row> rows = new LinkedHashMap<>();
    private Row lastRead;
    private long bytes;
    private boolean truncated;

    /**
     * An empty chunk of {@code table}, whose rows have {@code schema}; the schema must have a key.
     *
     * @param table the table read, not null
     * @param schema its schema, with a key, not null
     * @throws IllegalArgumentException if the schema has no key
     */
    public SnapshotChunk(TableId table, Schema schema) {
        if (!schema.hasKey()) {
            throw new IllegalArgumentException("table " + table + " has no primary key: it cannot be read in chunks");
        }
        this.table = table;
        this.schema = schema;
        this.key = schema.keyIndexes();
    }

    /**
     * The table this chunk was read from.
     *
     * @return the table, never null
     */
    public TableId table() {
        return table;
    }

    /**
     * The schema of the chunk's rows.
     *
     * @return the schema, never null
     */
    public Schema schema() {
        return schema;
    }

    /**
     * Adds a row the chunk's read returned; rows come in key order.
     *
     * @param row a row the read returned, aligned to the chunk's schema
     * @param sizeBytes its estimated size in bytes, 0 or more
     */
    public void add(Row row, long sizeBytes) {
        rows.put(keyOf(row, key), row);
        lastRead = row;
        bytes += sizeBytes;
    }

    /**
     * The last row the read returned, whether or not the log has dropped it since: the next chunk starts after its
     * key. Null if the read returned no row (the table has no rows after the previous chunk).
     *
     * @return the last row read, or null
     */
    public Row lastRead() {
        return lastRead;
    }

    /**
     * The rows read, by the sizes given to {@link #add}.
     *
     * @return the sum of the sizes, in bytes
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Applies a change the log delivered after the read began and before the high watermark: its keys (old and
     * new, for a key change) leave the chunk; a TRUNCATE of the table empties it. Changes of other tables are
     * ignored.
     *
     * @param event a change from the log, not null
     */
    public void reconcile(ChangeEvent event) {
        if (!event.table().equals(table) || rows.isEmpty()) {
            return;
        }
        if (event.op() == Op.TRUNCATE) {
            rows.clear();
            truncated = true;
            return;
        }
        int[] eventKey = event.schema().keyIndexes();
        if (eventKey.length != key.length) {
            // the table's key changed under the chunk: no key of it can be trusted any more
            rows.clear();
            truncated = true;
            return;
        }
        if (event.before() != null) {
            rows.remove(keyOf(event.before(), eventKey));
        }
        if (event.after() != null) {
            rows.remove(keyOf(event.after(), eventKey));
        }
    }

    /**
     * True if a TRUNCATE (or a key change of the table) emptied the chunk during its window.
     *
     * @return true if the chunk was emptied by the log
     */
    public boolean truncated() {
        return truncated;
    }

    /**
     * The rows left after reconciling, in key order.
     *
     * @return the rows, unmodifiable, in key order
     */
    public List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    /**
     * The number of rows left.
     *
     * @return the number of rows, 0 or more
     */
    public int size() {
        return rows.size();
    }

    /**
     * The key values of a row, in key order; for keyset pagination after {@link #lastRead()}.
     *
     * @param row a row of the chunk's schema, not null
     * @return a new array of the key values
     */
    public Object[] keyOf(Row row) {
        Object[] values = new Object[key.length];
        for (int i = 0; i < key.length; i++) {
            values[i] = row.get(key[i]);
        }
        return values;
    }

    private static Key keyOf(Row row, int[] indexes) {
        Object[] values = new Object[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            values[i] = row.get(indexes[i]);
        }
        return new Key(values);
    }

    /** Key values compared by content ({@code byte[]} included); BigDecimal by value, whatever its scale. */
    private record Key(Object[] values) {

        Key {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof BigDecimal decimal) {
                    values[i] = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.deepEquals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(values);
        }
    }
}

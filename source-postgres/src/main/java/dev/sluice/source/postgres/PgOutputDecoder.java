package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.SnapshotProgress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes pgoutput protocol version 1 messages into change events, keeping the transaction state: the commit LSN
 * and time from Begin, the index of each change inside its transaction, and the relations seen so far.
 *
 * <p>With protocol version 1 the server sends a transaction only once it has committed, row by row, so events are
 * emitted as they arrive and nothing is held per transaction. Every change message counts towards the index
 * (also those of tables the filter leaves out), so the index of an event does not depend on the configuration.
 * Used by the polling thread only.
 */
final class PgOutputDecoder {

    /** Epoch of PostgreSQL timestamps: 2000-01-01T00:00:00Z, in microseconds after the Unix epoch. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** Loads a relation's schema when its Relation message arrives. */
    interface RelationLoader {
        RelationInfo load(long relid, TableId table, List<RelationInfo.ColumnDef> columns) throws SQLException;
    }

    private final TableFilter filter;
    private final RelationLoader loader;
    private final Map<Long, RelationInfo> relations = new HashMap<>();
    private final Map<Long, TableId> ignored = new HashMap<>();
    /** Per table, the columns the sinks' rows have: from the last Relation message, the snapshot or a read. */
    private final Map<Long, SchemaChange.Shape> baselines = new HashMap<>();

    private long resumeLsn;
    private long resumeEvents;

    private boolean inTransaction;
    private long commitLsn;
    private Instant commitTime;
    private String xid;
    private long index;
    private long skip;
    private PgOffset position;
    /** The progress of the incremental snapshot under way, carried by every offset; null if none runs. */
    private SnapshotProgress progress;
    /** The backfills owed, carried by every offset; null if none. */
    private BackfillQueue backfills;
    /** The xids of the last transactions whose BEGIN was decoded, a ring (see IncrementalSnapshot). */
    private final long[] recentXids = new long[RECENT_XIDS];
    private int recentCount;
    private int recentNext;
    private Watermark watermark;
    private boolean rereadOwed;

    /** How many of the last transactions' xids are kept for {@link #recentXids()}. */
    static final int RECENT_XIDS = 4_096;

    /**
     * @param from where the stream resumes: transactions committed below its LSN are skipped, and so are the first
     *     {@code count} events of the one at its LSN; null to take everything
     */
    PgOutputDecoder(TableFilter filter, RelationLoader loader, PgOffset from) {
        this.filter = filter;
        this.loader = loader;
        if (from != null) {
            this.resumeLsn = from.lsn();
            this.resumeEvents = from.count();
        }
    }

    /**
     * The columns the sinks' rows of a table have now, before the stream's next Relation message of it: those of a
     * snapshot or of a read of the table, or the catalog's when the stream resumes.
     */
    void baseline(long relid, SchemaChange.Shape columns) {
        baselines.put(relid, columns);
    }

    /** {@link #baseline}, unless the table has one already. */
    void baselineIfAbsent(long relid, SchemaChange.Shape columns) {
        baselines.putIfAbsent(relid, columns);
    }

    /** The position after everything decoded so far, with the snapshot progress, or null before anything. */
    PgOffset position() {
        return position == null ? null : tag(position);
    }

    /** An offset with the snapshot progress, and marked a re-read while one is owed (see {@link #rereadOwed}). */
    private PgOffset tag(PgOffset offset) {
        PgOffset tagged = offset.withProgress(progress).withBackfills(backfills);
        return rereadOwed ? tagged.asReread() : tagged;
    }

    /**
     * Whether a table must still be read at a marker the stream has not passed yet (its columns changed, or it
     * joined the publication): while so, every offset is marked a re-read, covering no catch-up target, since the
     * source's state before the target is only in the sinks once that read is done.
     */
    void rereadOwed(boolean owed) {
        rereadOwed = owed;
    }

    /** The position without tags: for comparing with LSNs. */
    PgOffset rawPosition() {
        return position;
    }

    /** The incremental snapshot's progress now, or null if none runs. */
    SnapshotProgress progress() {
        return progress;
    }

    /** The incremental snapshot's progress from now on (null: none runs); every later offset carries it. */
    void progress(SnapshotProgress next) {
        progress = next;
    }

    /** The backfills owed now, or null if none. */
    BackfillQueue backfills() {
        return backfills;
    }

    /** The backfills owed from now on (null: none); every later offset carries them. */
    void backfills(BackfillQueue next) {
        backfills = next;
    }

    /** The xids (32 bits) of the last {@link #RECENT_XIDS} transactions the stream delivered, in any order. */
    long[] recentXids() {
        long[] xids = new long[recentCount];
        System.arraycopy(recentXids, 0, xids, 0, recentCount);
        return xids;
    }

    /**
     * A message with prefix {@link #SNAPSHOT_WATERMARK} (the high watermark of a chunk, see IncrementalSnapshot),
     * just decoded; once. {@code endLsn} is where its WAL record ends, or for a transactional one the commit LSN
     * of its own transaction, which holds nothing else: every transaction committed before it was delivered.
     */
    record Watermark(String content, long endLsn, boolean transactional) {}

    /** The prefix of the message that marks a chunk's high watermark. */
    static final String SNAPSHOT_WATERMARK = "sluice-snapshot";

    /** The watermark message just decoded, once; null if none. */
    Watermark takeWatermark() {
        Watermark taken = watermark;
        watermark = null;
        return taken;
    }

    /** A keepalive said every commit below {@code lsn} was sent: the position moves there between transactions. */
    void keepalive(long lsn) {
        if (inTransaction || lsn <= 0) {
            return;
        }
        PgOffset candidate = PgOffset.stream(lsn, 0);
        // never below where the stream resumed: (C, 0) is before (C, n) when resuming inside transaction C
        boolean ahead = position == null
                ? lsn > resumeLsn || lsn == resumeLsn && resumeEvents == 0
                : lsn > position.lsn();
        if (ahead) {
            position = candidate;
        }
    }

    /**
     * The stream met a transactional watermark whose transaction commits at {@code commitLsn} (and holds nothing
     * else): every transaction committed below it is delivered, so the position moves there, inside the
     * watermark's own transaction, with none of its events delivered.
     */
    void reachedWatermark(long commitLsn) {
        if (position == null || commitLsn > position.lsn()) {
            position = PgOffset.stream(commitLsn, 0);
        }
    }

    /** Decodes one message, adding the events it yields to {@code out}. */
    void decode(ByteBuffer buffer, List<ChangeEvent> out) throws SQLException {
        char type = (char) buffer.get();
        switch (type) {
            case 'B' -> begin(buffer);
            case 'C' -> commit(buffer);
            case 'R' -> relation(buffer);
            case 'I' -> change(buffer, Op.INSERT, out);
            case 'U' -> change(buffer, Op.UPDATE, out);
            case 'D' -> change(buffer, Op.DELETE, out);
            case 'T' -> truncate(buffer, out);
            case 'M' -> message(buffer);
            case 'Y', 'O' -> { } // type names (resolved from the catalog), origins
            default -> throw new IllegalStateException("unexpected pgoutput message '" + type + "'");
        }
    }

    /** The prefix of the transactional message that says a table joined the publication (see TableWatcher). */
    static final String TABLE_ADDED = "sluice-table-added";

    /**
     * The prefix of the transactional message that says a table's columns changed so that its rows must be read
     * again (see PgChangeStream): handled exactly like {@link #TABLE_ADDED}.
     */
    static final String TABLE_CHANGED = "sluice-table-changed";

    /**
     * A table to read in the transaction that committed at {@code commitLsn}: it joined the publication, or its
     * columns changed ({@code changed}).
     */
    record AddedTable(long commitLsn, String content, boolean changed) {}

    /** A Relation message of a table seen before in this stream, with columns changed as {@code change} says. */
    record ChangedTable(long relid, TableId table, String change, SchemaChange.Shape shape, long commitLsn) {}

    private AddedTable addedTable;
    private ChangedTable changedTable;

    /**
     * The table whose Relation message just decoded changed its columns in a way that can change existing rows
     * (see {@link SchemaChange}), once; null if none. The caller acts before decoding anything after it.
     */
    ChangedTable takeChangedTable() {
        ChangedTable changed = changedTable;
        changedTable = null;
        return changed;
    }

    /** The table-added message just decoded, once; null if none. The caller reads the table before going on. */
    AddedTable takeAddedTable() {
        AddedTable added = addedTable;
        addedTable = null;
        return added;
    }

    private void message(ByteBuffer buffer) {
        boolean transactional = buffer.get() != 0;
        long messageLsn = buffer.getLong(); // the end of the message's WAL record
        String prefix = string(buffer);
        int length = buffer.getInt();
        String content = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
                StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        // a message counts for no index, so offsets do not depend on messages; one delivered before the restart
        // lies in a transaction below the resume LSN. Heartbeats and the head marker are not transactional.
        boolean added = TABLE_ADDED.equals(prefix);
        if (transactional && inTransaction && (added || TABLE_CHANGED.equals(prefix)) && commitLsn >= resumeLsn) {
            addedTable = new AddedTable(commitLsn, content, !added);
        }
        if (SNAPSHOT_WATERMARK.equals(prefix)) {
            watermark = new Watermark(content, transactional ? commitLsn : messageLsn, transactional);
        }
    }

    private void begin(ByteBuffer buffer) {
        commitLsn = buffer.getLong();
        commitTime = toInstant(buffer.getLong());
        int rawXid = buffer.getInt();
        xid = Integer.toUnsignedString(rawXid);
        recentXids[recentNext] = Integer.toUnsignedLong(rawXid);
        recentNext = (recentNext + 1) % RECENT_XIDS;
        recentCount = Math.min(recentCount + 1, RECENT_XIDS);
        inTransaction = true;
        index = 0;
        if (commitLsn < resumeLsn) {
            skip = Long.MAX_VALUE; // delivered before the restart: the server should not even send it
        } else {
            skip = commitLsn == resumeLsn ? resumeEvents : 0;
        }
    }

    private void commit(ByteBuffer buffer) {
        buffer.get(); // flags
        long lsn = buffer.getLong();
        long endLsn = buffer.getLong();
        if (lsn != commitLsn) {
            throw new IllegalStateException("commit LSN " + lsn + " differs from the BEGIN's " + commitLsn);
        }
        inTransaction = false;
        if (commitLsn >= resumeLsn) {
            position = PgOffset.stream(endLsn, 0);
        }
    }

    private void relation(ByteBuffer buffer) throws SQLException {
        long relid = Integer.toUnsignedLong(buffer.getInt());
        String namespace = string(buffer);
        TableId table = TableId.of(namespace.isEmpty() ? "pg_catalog" : namespace, string(buffer));
        buffer.get(); // replica identity setting
        int count = buffer.getShort();
        List<RelationInfo.ColumnDef> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            buffer.get(); // flags: part of the replica identity; keys come from the catalog instead
            String name = string(buffer);
            columns.add(new RelationInfo.ColumnDef(name, buffer.getInt(), buffer.getInt()));
        }
        relations.remove(relid);
        ignored.remove(relid);
        if (filter.test(table)) {
            RelationInfo current = loader.load(relid, table, columns);
            relations.put(relid, current);
            SchemaChange.Shape previous = baselines.put(relid, current.shape);
            String change = previous == null ? null : SchemaChange.between(previous, current.shape);
            if (change != null) {
                changedTable = new ChangedTable(relid, table, change, current.shape, commitLsn);
            }
        } else {
            ignored.put(relid, table);
        }
    }

    private void change(ByteBuffer buffer, Op op, List<ChangeEvent> out) {
        long relid = Integer.toUnsignedLong(buffer.getInt());
        RelationInfo relation = relations.get(relid);
        boolean emit = count() && relation != null;
        if (relation == null && !ignored.containsKey(relid)) {
            throw new IllegalStateException("change of relation " + relid + " before its Relation message");
        }
        Object[] before = null;
        Object[] after = null;
        boolean[] unchanged = null;
        char kind = (char) buffer.get();
        if (op != Op.INSERT && (kind == 'K' || kind == 'O')) {
            before = tuple(buffer, relation, emit, null);
            kind = op == Op.UPDATE ? (char) buffer.get() : kind;
        }
        if (op != Op.DELETE) {
            if (kind != 'N') {
                throw new IllegalStateException("expected a new tuple ('N') in a " + op + ", got '" + kind + "'");
            }
            unchanged = emit ? new boolean[relation.types.length] : null;
            after = tuple(buffer, relation, emit, unchanged);
        }
        if (!emit) {
            return;
        }
        ChangeEvent.Builder event = ChangeEvent.builder(op, relation.table, relation.schema)
                .offset(tag(PgOffset.stream(commitLsn, index))).commitTime(commitTime).transactionId(xid);
        if (before != null) {
            event.before(Row.of(before));
        }
        if (after != null) {
            for (int i = 0; i < unchanged.length; i++) {
                if (unchanged[i]) {
                    // an unchanged TOASTed value: take it from the old row if REPLICA IDENTITY FULL sent it
                    if (before != null && before[i] != null) {
                        after[i] = before[i];
                    } else {
                        event.unchanged(i);
                    }
                }
            }
            event.after(Row.of(after));
        }
        out.add(event.build());
        position = PgOffset.stream(commitLsn, index);
    }

    private void truncate(ByteBuffer buffer, List<ChangeEvent> out) {
        int count = buffer.getInt();
        buffer.get(); // options: CASCADE, RESTART IDENTITY
        for (int i = 0; i < count; i++) {
            RelationInfo relation = relations.get(Integer.toUnsignedLong(buffer.getInt()));
            if (count() && relation != null) {
                out.add(ChangeEvent.builder(Op.TRUNCATE, relation.table, relation.schema)
                        .offset(tag(PgOffset.stream(commitLsn, index))).commitTime(commitTime).transactionId(xid)
                        .build());
                position = PgOffset.stream(commitLsn, index);
            }
        }
    }

    /** Counts one change of the current transaction; false if it was delivered before the restart. */
    private boolean count() {
        if (!inTransaction) {
            throw new IllegalStateException("a change outside a transaction");
        }
        index++;
        return index > skip;
    }

    private Object[] tuple(ByteBuffer buffer, RelationInfo relation, boolean parse, boolean[] unchanged) {
        int count = buffer.getShort();
        if (parse && count != relation.types.length) {
            throw new IllegalStateException("a tuple of " + relation.table + " has " + count + " columns, its"
                    + " Relation message " + relation.types.length);
        }
        Object[] values = parse ? new Object[count] : null;
        for (int i = 0; i < count; i++) {
            char kind = (char) buffer.get();
            switch (kind) {
                case 'n' -> { }
                case 'u' -> {
                    if (unchanged != null) {
                        unchanged[i] = true;
                    }
                }
                case 't' -> {
                    int length = buffer.getInt();
                    if (parse) {
                        String text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
                                StandardCharsets.UTF_8);
                        values[i] = relation.parse(i, text);
                    }
                    buffer.position(buffer.position() + length);
                }
                default -> throw new FatalException("pgoutput sent a value of kind '" + kind + "' in a tuple of "
                        + (relation == null ? "a table" : relation.table) + "; only text values are requested");
            }
        }
        return values;
    }

    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        String text = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        buffer.position(end + 1);
        return text;
    }

    static Instant toInstant(long pgMicros) {
        long micros = pgMicros + PG_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}

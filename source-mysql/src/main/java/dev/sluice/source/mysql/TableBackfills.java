package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.SnapshotChunk;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfills of a binlog stream ({@code Pipeline.backfill}): each re-reads one table's rows (those matching its
 * condition) in key chunks with the DBLog method of {@link IncrementalSnapshot} (a chunk read with the stream paused
 * at P, the binlog's end H noted, the stream's events for the chunk's keys reconciled away until it reaches H, the
 * rest emitted there as {@code READ} events), without a TRUNCATE: it re-delivers rows, it removes none. Backfills
 * run one at a time, in the order asked, and only while no incremental snapshot runs. The {@link BackfillQueue}
 * rides in every offset (through {@link BinlogEvents}), so a restart goes on after the last row emitted.
 *
 * <p>A backfill that cannot go on (its table dropped, its key gone, its condition no longer valid) ends with a
 * warning in the log; the rows it emitted stay. Not thread-safe: the stream's polling thread only.
 */
final class TableBackfills implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableBackfills.class);

    private final MySqlSource source;
    private final ChunkReader reader;
    private final Connection lookup;
    private final Clock clock;
    private BackfillQueue queue;
    private boolean begun;
    private long estimate = -1;
    private int done;
    private ChunkReader.Read open;
    private MySqlOffset high;

    TableBackfills(MySqlSource source, boolean mariaDb, Connection lookup, Clock clock, BackfillQueue queue)
            throws SQLException {
        this.source = source;
        this.reader = new ChunkReader(source.connect(), mariaDb);
        this.lookup = lookup;
        this.clock = clock;
        this.queue = queue;
        if (queue != null && (queue.current().rows() > 0 || !queue.current().lastKey().isEmpty())) {
            LOG.info("backfill of {} resumes after key {} ({} rows before); {} more waiting",
                    queue.current().describe(), queue.current().lastKey(), queue.current().rows(),
                    queue.backfills().size() - 1);
        }
    }

    /**
     * Checks a backfill request and queues it; the stream's offsets carry it from now on.
     *
     * @throws IllegalArgumentException if the table does not exist, is not captured, has no usable key, or the
     *     server rejects the condition
     */
    void add(TableId table, String condition, BinlogEvents events) throws SQLException {
        InfoSchema.TableDef def = InfoSchema.settled(lookup, table);
        if (def == null) {
            throw new IllegalArgumentException("there is no table " + table + " on " + source.address()
                    + ": nothing to backfill");
        }
        if (!source.tables().test(table)) {
            throw new IllegalArgumentException("table " + table + " is not captured by this source (its tables(...)"
                    + " filter " + source.tables() + " leaves it out), so it cannot be backfilled. Fix: add it to the"
                    + " filter and restart the pipeline, then backfill it");
        }
        if (def.key().isEmpty()) {
            throw new IllegalArgumentException("table " + table + " has no primary key, so it cannot be backfilled"
                    + " in chunks by key. Fix: add a primary key to it, or re-snapshot the pipeline (delete its stored"
                    + " offset) with SnapshotMode.INITIAL for a consistent one-shot read");
        }
        try {
            ChunkKeys.of(def);
        } catch (FatalException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (condition != null) {
            try (Statement s = lookup.createStatement()) {
                s.executeQuery("SELECT 1 FROM " + SnapshotReader.quote(table.namespace()) + "."
                        + SnapshotReader.quote(table.name()) + " WHERE (\n" + condition + "\n) LIMIT 0").close();
            } catch (SQLException e) {
                if (!isRejection(e)) {
                    throw e;
                }
                throw new IllegalArgumentException("the server rejects the backfill condition '" + condition
                        + "' on table " + table + ": " + e.getMessage() + ". Fix: pass a boolean expression over"
                        + " the table's columns in MySQL's SQL, such as \"updated_at > '2026-01-01'\"", e);
            }
        }
        queue = BackfillQueue.append(queue, BackfillQueue.Backfill.of(table, condition));
        events.backfills(queue);
        LOG.info("backfill of {} queued ({} in the queue)",
                queue.backfills().get(queue.backfills().size() - 1).describe(), queue.backfills().size());
    }

    /** True if the server says the statement was wrong (syntax, names, types, data), not the connection. */
    private static boolean isRejection(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("42") || state.startsWith("22"));
    }

    /** True while a backfill is owed. */
    boolean pending() {
        return queue != null;
    }

    /** True if a chunk's window is open. */
    boolean windowOpen() {
        return open != null;
    }

    /** True if the window is open and the stream reached its high watermark. */
    boolean reached(BinlogEvents events) {
        return open != null && events.reached(high);
    }

    /** The backfill being read, as a snapshot's status (rows since it began), or null if none is. */
    SnapshotStatus status() {
        BackfillQueue now = queue;
        if (now == null) {
            return null;
        }
        return new SnapshotStatus(now.current().table(), done, done + now.backfills().size(), now.current().rows(),
                estimate);
    }

    /**
     * With the stream paused at its position: reads the next chunk of the current backfill and notes the high
     * watermark; backfills with nothing left (or that cannot go on) end on the way.
     */
    void open(BinlogEvents events) throws SQLException, InterruptedException {
        while (queue != null && open == null) {
            BackfillQueue.Backfill now = queue.current();
            if (!begun) {
                InfoSchema.TableDef def = InfoSchema.settled(lookup, now.table());
                if (def == null || !source.tables().test(now.table())) {
                    end(events, "its table no longer exists or is no longer captured");
                    continue;
                }
                if (def.key().isEmpty()) {
                    end(events, "its table has no primary key any more");
                    continue;
                }
                if (!now.lastKey().isEmpty() && def.key().size() != now.lastKey().size()) {
                    LOG.warn("backfill of {}: the table's primary key changed; read again from its start",
                            now.describe());
                    queue = queue.restarted();
                    events.backfills(queue);
                    now = queue.current();
                }
                estimate = now.condition() == null ? InfoSchema.estimatedRows(lookup, List.of(now.table())) : -1;
                LOG.info("backfill of {}: reading{}", now.describe(), now.lastKey().isEmpty() ? ""
                        : " after key " + now.lastKey());
                begun = true;
            }
            ChunkReader.Read read;
            try {
                read = reader.read(now.table(), now.lastKey(), null, now.condition(), source.snapshotChunkSize(),
                        events.position());
            } catch (SQLException e) {
                if (!isRejection(e)) {
                    throw e;
                }
                end(events, "the server rejects its read now: " + e.getMessage());
                continue;
            } catch (FatalException e) {
                end(events, e.getMessage()); // the key became one it cannot page by
                continue;
            }
            if (read == null) {
                end(events, "its table no longer exists");
                continue;
            }
            if (read.chunk().lastRead() == null) {
                LOG.info("backfill of {} done: {} rows", now.describe(), now.rows());
                end(events, null);
                continue;
            }
            open = read;
            high = ServerChecks.currentPosition(lookup, source.user());
        }
    }

    /** The current backfill is over: done ({@code why} null), or given up with a warning that says why. */
    private void end(BinlogEvents events, String why) {
        if (why != null) {
            LOG.warn("backfill of {} ended after {} rows: {}. Ask for it again once that is fixed",
                    queue.current().describe(), queue.current().rows(), why);
        }
        queue = queue.next();
        events.backfills(queue);
        begun = false;
        estimate = -1;
        done++;
    }

    /**
     * Reconciles the open chunk with events the stream delivered in its window; a change of the chunk's table's
     * columns in the window drops the chunk (it is read again after).
     */
    void reconcile(List<ChangeEvent> delivered, Map<TableId, InfoSchema.TableDef> altered) {
        if (open == null) {
            return;
        }
        SnapshotChunk chunk = open.chunk();
        for (ChangeEvent event : delivered) {
            if (event.table().equals(chunk.table()) && event.op() != Op.TRUNCATE
                    && !event.schema().equals(chunk.schema())) {
                drop("its rows changed shape");
                return;
            }
            chunk.reconcile(event);
        }
        if (altered.containsKey(chunk.table())) {
            drop("it was altered");
        }
    }

    private void drop(String why) {
        LOG.debug("backfill: chunk of {} dropped, read again: {}", open.chunk().table(), why);
        open = null;
        high = null;
    }

    /** At the high watermark: the rows left in the chunk as READ events (into {@code out}). */
    void emit(BinlogEvents events, List<ChangeEvent> out) {
        SnapshotChunk chunk = open.chunk();
        ChunkKeys keys = open.keys();
        MySqlOffset at = events.position();
        List<Row> rows = chunk.rows();
        Instant now = clock.instant();
        for (Row row : rows) {
            queue = queue.emitted(keys.text(chunk.keyOf(row)));
            out.add(ChangeEvent.builder(Op.READ, chunk.table(), chunk.schema()).after(row)
                    .offset(at.withBackfills(queue)).commitTime(now).build());
        }
        if (rows.isEmpty() || rows.get(rows.size() - 1) != chunk.lastRead()) {
            queue = queue.through(keys.text(chunk.keyOf(chunk.lastRead())));
        }
        events.backfills(queue);
        boolean full = open.full();
        open = null;
        high = null;
        if (!full) {
            // fewer rows than asked: none after them matched at the read, later ones come with the stream
            LOG.info("backfill of {} done: {} rows", queue.current().describe(), queue.current().rows());
            end(events, null);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}

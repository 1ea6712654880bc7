package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfills of a stream ({@code Pipeline.backfill}): each re-reads one table's rows (those matching its
 * condition) in key chunks with the DBLog method of {@link IncrementalSnapshot} (a chunk read with the stream
 * paused, a transactional logical message as high watermark, the stream's events for the chunk's keys reconciled
 * away, the rest emitted as {@code READ} events at the watermark), without a TRUNCATE: it re-delivers rows, it
 * removes none. Backfills run one at a time, in the order asked, and only while no incremental snapshot runs. The
 * {@link BackfillQueue} rides in every offset the stream produces (through the decoder), so a restart goes on after
 * the last row emitted.
 *
 * <p>A backfill that cannot go on (its table dropped or no longer captured, its key gone, its condition no longer
 * valid) ends with a warning in the log; the rows it emitted stay. Used by the capture thread only.
 */
final class TableBackfills implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableBackfills.class);
    private static final int MAX_READS = 500;

    private final Connection metadata;
    private final Catalog catalog;
    private final TableFilter filter;
    private final ChunkReader reader;
    private final PgOutputDecoder decoder;
    private final Clock clock;
    private final int chunkSize;
    private final String run;

    private BackfillQueue queue;
    private Catalog.TableInfo table;
    private long estimate = -1;
    private int done;
    private long chunks;
    private ChunkReader.Read open;
    private String openId;
    private boolean dropped;

    TableBackfills(Connection metadata, TableFilter filter, ChunkReader reader, PgOutputDecoder decoder, Clock clock,
            int chunkSize, String slot, BackfillQueue queue) {
        this.metadata = metadata;
        this.catalog = new Catalog(metadata);
        this.filter = filter;
        this.reader = reader;
        this.decoder = decoder;
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.run = slot + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ":backfill:";
        this.queue = queue;
        decoder.backfills(queue);
        if (queue != null) {
            log.info("backfill of {} resumes after key {} ({} rows before); {} more waiting",
                    queue.current().describe(), queue.current().lastKey(), queue.current().rows(),
                    queue.backfills().size() - 1);
        }
    }

    /**
     * Checks a backfill request and queues it.
     *
     * @throws IllegalArgumentException if the table does not exist, is not captured, has no key, or PostgreSQL
     *     rejects the condition
     */
    void add(TableId id, String condition) throws SQLException {
        Catalog.TableInfo info = find(id);
        if (info == null) {
            boolean exists = catalog.tables(TableFilter.all()).stream().anyMatch(t -> t.id().equals(id));
            throw new IllegalArgumentException(exists
                    ? "table " + id + " is not captured by this source (its tables(...) filter " + filter + " leaves"
                            + " it out), so it cannot be backfilled. Fix: add it to the filter and restart the"
                            + " pipeline; it is read when it joins"
                    : "there is no table " + id + " in the database (names are case-sensitive, as PostgreSQL"
                            + " stores them): nothing to backfill");
        }
        if (catalog.key(info.oid()).isEmpty()) {
            throw new IllegalArgumentException("table " + id + " has no primary key (nor a replica identity index),"
                    + " so it cannot be backfilled in chunks by key. Fix: add a primary key to " + Catalog.quote(id)
                    + ", or re-snapshot the pipeline (delete its stored offset) for a consistent one-shot read");
        }
        if (condition != null) {
            try (PreparedStatement ps = metadata.prepareStatement("SELECT 1 FROM " + Catalog.quote(id)
                    + " WHERE (\n" + condition + "\n) LIMIT 0")) {
                ps.executeQuery().close();
            } catch (SQLException e) {
                if (!isRejection(e)) {
                    throw e;
                }
                throw new IllegalArgumentException("PostgreSQL rejects the backfill condition '" + condition
                        + "' on table " + id + ": " + e.getMessage() + ". Fix: pass a boolean expression over the"
                        + " table's columns in PostgreSQL's SQL, such as \"updated_at > '2026-01-01'\"", e);
            }
        }
        queue = BackfillQueue.append(queue, BackfillQueue.Backfill.of(id, condition));
        decoder.backfills(queue);
        log.info("backfill of {} queued ({} in the queue)", queue.backfills().get(queue.backfills().size() - 1)
                .describe(), queue.backfills().size());
    }

    /** True if SQLSTATE says the statement was wrong (syntax, names, types, data), not the connection. */
    private static boolean isRejection(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("42") || state.startsWith("22") || state.startsWith("0A"));
    }

    /** True while a backfill is owed. */
    boolean pending() {
        return queue != null;
    }

    /** True while a chunk waits for its high watermark. */
    boolean windowOpen() {
        return open != null;
    }

    /** The backfill being read, as a snapshot's status (rows since the backfill began), or null if none is. */
    SnapshotStatus status() {
        BackfillQueue now = queue;
        if (now == null) {
            return null;
        }
        return new SnapshotStatus(now.current().table(), done, done + now.backfills().size(), now.current().rows(),
                estimate);
    }

    /**
     * With the stream paused at its position and no chunk open: reads the next chunk of the current backfill and
     * writes its high watermark; backfills that have nothing left (or cannot go on) end on the way.
     */
    void step() throws SQLException, InterruptedException {
        while (queue != null && open == null) {
            BackfillQueue.Backfill now = queue.current();
            if (table == null) {
                table = find(now.table());
                if (table == null) {
                    end("its table no longer exists or is no longer captured");
                    continue;
                }
                List<String> key = catalog.key(table.oid());
                if (key.isEmpty()) {
                    end("its table has no primary key any more");
                    continue;
                }
                if (!now.lastKey().isEmpty() && key.size() != now.lastKey().size()) {
                    log.warn("backfill of {}: the table's primary key changed; read again from its start",
                            now.describe());
                    queue = queue.restarted();
                    decoder.backfills(queue);
                    now = queue.current();
                }
                estimate = now.condition() == null ? catalog.estimatedRows(List.of(table)) : -1;
                log.info("backfill of {}: reading{}", now.describe(), now.lastKey().isEmpty() ? ""
                        : " after key " + now.lastKey());
            }
            ChunkReader.Read read;
            try {
                read = readExactly(now);
            } catch (SQLException e) {
                if (!isRejection(e)) {
                    throw e;
                }
                end("PostgreSQL rejects its read now: " + e.getMessage());
                continue;
            }
            if (read.chunk().lastRead() == null) {
                log.info("backfill of {} done: {} rows", now.describe(), now.rows());
                end(null);
                continue;
            }
            String id = run + ++chunks;
            // transactional, so that its commit flushes the WAL at once (see IncrementalSnapshot)
            try (PreparedStatement ps = metadata.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
                ps.setString(1, PgOutputDecoder.SNAPSHOT_WATERMARK);
                ps.setString(2, id);
                ps.execute();
            }
            open = read;
            openId = id;
            dropped = false;
        }
    }

    /** The current backfill is over: done ({@code why} null), or given up with a warning that says why. */
    private void end(String why) {
        if (why != null) {
            log.warn("backfill of {} ended after {} rows: {}. Ask for it again once that is fixed",
                    queue.current().describe(), queue.current().rows(), why);
        }
        queue = queue.next();
        decoder.backfills(queue);
        table = null;
        estimate = -1;
        done++;
    }

    private ChunkReader.Read readExactly(BackfillQueue.Backfill now) throws SQLException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            ChunkReader.Read read = reader.read(table, now.lastKey(), null, now.condition(), chunkSize,
                    IncrementalSnapshot.CHUNK_BYTES);
            long invisible = firstInvisible(read.snapshot());
            if (invisible < 0) {
                return read;
            }
            if (attempt >= MAX_READS) {
                throw new RetriableException("backfill of " + table.id() + ": transaction " + invisible
                        + " was delivered by the stream but is still invisible to new snapshots ("
                        + read.snapshot() + ") after " + attempt + " reads; trying again");
            }
            Thread.sleep(Math.min(attempt, 20));
        }
    }

    private long firstInvisible(XidSnapshot snapshot) {
        for (long xid : decoder.recentXids()) {
            if (!snapshot.sees(xid)) {
                return xid;
            }
        }
        return -1;
    }

    /** The captured table of this name now, or null. */
    private Catalog.TableInfo find(TableId id) throws SQLException {
        for (Catalog.TableInfo candidate : catalog.tables(filter)) {
            if (candidate.id().equals(id)) {
                return candidate;
            }
        }
        return null;
    }

    /** Reconciles the open chunk with the stream events {@code events[from..]}, delivered inside its window. */
    void reconcile(List<ChangeEvent> events, int from) {
        if (open == null || dropped) {
            return;
        }
        TableId chunkTable = open.chunk().table();
        for (int i = from; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            if (!event.table().equals(chunkTable)) {
                continue;
            }
            if (!event.schema().equals(open.chunk().schema())) {
                dropped = true; // the table's columns changed in the window: read the chunk again after it
                return;
            }
            open.chunk().reconcile(event);
        }
    }

    /** The table is read again at a marker (it joined anew, or its columns changed): its open chunk is read again. */
    void drop(TableId reread) {
        if (open != null && open.chunk().table().equals(reread)) {
            dropped = true;
        }
    }

    /** True if {@code watermark} is the open chunk's high watermark. */
    boolean isHighWatermark(PgOutputDecoder.Watermark watermark) {
        return open != null && watermark.content().equals(openId);
    }

    /**
     * The stream reached the open chunk's high watermark at {@code h}: the rows left, as {@code READ} events, each
     * with the backfill's progress up to its key; none if the chunk was dropped (it is read again next).
     */
    List<ChangeEvent> atHighWatermark(PgOffset h) throws SQLException {
        ChunkReader.Read read = open;
        open = null;
        if (!dropped) {
            List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
            if (!read.relation().shape.sameColumns(new SchemaChange.Shape(columns,
                    columns.stream().map(c -> "").toList()))) {
                dropped = true; // a DDL after the read: its rows would come after the change in a shape from before
            }
        }
        if (dropped) {
            log.debug("backfill of {}: chunk after {} dropped, read again", queue.current().describe(),
                    queue.current().lastKey());
            return List.of();
        }
        Instant now = clock.instant();
        List<Row> rows = read.chunk().rows();
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            queue = queue.emitted(read.keys().get(row));
            events.add(ChangeEvent.builder(Op.READ, read.chunk().table(), read.chunk().schema()).after(row)
                    .offset(h.withBackfills(queue)).commitTime(now).build());
        }
        if (!read.lastKey().equals(queue.current().lastKey())) {
            queue = queue.through(read.lastKey()); // the chunk's last rows were changed by the log
        }
        decoder.backfills(queue);
        return events;
    }

    @Override
    public void close() {
        reader.close();
    }
}

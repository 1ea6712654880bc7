package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental snapshot of {@link SnapshotMode#INCREMENTAL} (the DBLog method), interleaved with the stream on
 * the capture thread: between two polls, with the stream paused at position {@code P}, a chunk of the current
 * table is read ({@link ChunkReader}) and a transactional logical message (the high watermark {@code H}) is
 * written; the stream's events up to {@code H} are reconciled with the chunk, and at {@code H} the rows left are
 * emitted as {@code READ} events. The progress (see {@link SnapshotProgress}) rides on every offset the stream
 * produces from then on, so a restart continues after the last row emitted.
 *
 * <p>Exactness: the chunk's read must see every transaction the stream delivered before {@code P}. PostgreSQL
 * sends a transaction as soon as its commit record is flushed, which can be an instant before it becomes visible
 * to new snapshots; the read's own {@code pg_current_snapshot()} is checked against the xids of the last
 * {@link PgOutputDecoder#RECENT_XIDS} transactions delivered, and the chunk is read again while one of them is
 * invisible to it.
 *
 * <p>Used by the capture thread only.
 */
final class IncrementalSnapshot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IncrementalSnapshot.class);
    /** A chunk's read stops once its rows pass this size, whatever the chunk size in rows. */
    static final long CHUNK_BYTES = 8L << 20;
    /** Re-reads of a chunk whose snapshot misses a delivered transaction, before giving up (retriable). */
    private static final int MAX_READS = 500;

    private final Connection metadata;
    private final Catalog catalog;
    private final TypeResolver types;
    private final TableFilter filter;
    private final ChunkReader reader;
    private final PgOutputDecoder decoder;
    private final Clock clock;
    private final int chunkSize;
    private final String run;

    private SnapshotProgress progress;
    /** The tables selected when this session began, and the planner's estimate of their rows (or -1). */
    private final List<TableId> selected;
    private final long estimate;
    private Catalog.TableInfo table;
    private long tableRows;
    private long chunks;
    private ChunkReader.Read open;
    private String openId;
    private boolean dropped;
    /** For tests: runs after each chunk's read, before its high watermark (inside the window). */
    private Hook afterRead = () -> { };

    /** Something to run on the capture thread; for tests. */
    interface Hook {
        void run() throws SQLException;
    }

    IncrementalSnapshot(Connection metadata, TypeResolver types, TableFilter filter, ChunkReader reader,
            PgOutputDecoder decoder, Clock clock, int chunkSize, String slot, SnapshotProgress progress)
            throws SQLException {
        this.metadata = metadata;
        this.catalog = new Catalog(metadata);
        this.types = types;
        this.filter = filter;
        this.reader = reader;
        this.decoder = decoder;
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.run = slot + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ":";
        this.progress = progress;
        List<Catalog.TableInfo> selected = catalog.tables(filter);
        this.selected = selected.stream().map(Catalog.TableInfo::id).toList();
        this.estimate = catalog.estimatedRows(selected);
        decoder.progress(progress);
        if (progress.table() == null) {
            log.info("incremental snapshot: starting, chunks of {} rows", chunkSize);
        } else {
            log.info("incremental snapshot: resuming in table {} after key {} ({} rows read before)",
                    progress.table(), progress.lastKey(), progress.rows());
        }
    }

    /** Refuses a table without a key: its rows cannot be read in chunks. */
    static void checkKeys(Catalog catalog, List<Catalog.TableInfo> tables) throws SQLException {
        for (Catalog.TableInfo table : tables) {
            checkKey(catalog, table);
        }
    }

    private static List<String> checkKey(Catalog catalog, Catalog.TableInfo table) throws SQLException {
        List<String> key = catalog.key(table.oid());
        if (key.isEmpty()) {
            throw new FatalException("table " + table.id() + " has no primary key (nor a replica identity index),"
                    + " so SnapshotMode.INCREMENTAL cannot read it in chunks by key. Fix: add a primary key to "
                    + Catalog.quote(table.id()) + ", or use SnapshotMode.INITIAL for a consistent one-shot read, or"
                    + " leave the table out of the source's tables(...) filter.");
        }
        return key;
    }

    /** For tests: {@code hook} runs after each chunk's read, before its high watermark is written. */
    void afterRead(Hook hook) {
        this.afterRead = hook;
    }

    /** How far the snapshot has come (rows since it began, kept in the offset), or null once it is complete. */
    SnapshotStatus status() {
        SnapshotProgress now = progress;
        if (now == null) {
            return null;
        }
        int done = (int) selected.stream().filter(now::isDone).count();
        return new SnapshotStatus(now.table(), done, Math.max(done, selected.size()), now.rows(), estimate);
    }

    /** True while the snapshot is under way. */
    boolean running() {
        return progress != null;
    }

    /** True while a chunk waits for its high watermark. */
    boolean windowOpen() {
        return open != null;
    }

    /**
     * The next step, with the stream paused at {@code at} and no chunk open: a table's TRUNCATE when a table
     * begins, else nothing (a chunk was read and its window opened, or the snapshot completed).
     */
    List<ChangeEvent> step(PgOffset at) throws SQLException, InterruptedException {
        if (progress == null || open != null) {
            return List.of();
        }
        if (table == null && progress.table() != null) {
            table = find(progress.table()); // a resume inside a table: no TRUNCATE again
            if (table != null && !progress.lastKey().isEmpty()
                    && checkKey(catalog, table).size() != progress.lastKey().size()) {
                log.warn("incremental snapshot: the primary key of {} changed since its last chunk; it is read"
                        + " again from its start", table.id());
                return begin(table, at);
            }
        }
        if (table == null) {
            return begin(next(progress.table()), at);
        }
        ChunkReader.Read read = readExactly();
        if (read.chunk().lastRead() == null) {
            log.info("incremental snapshot: table {} read ({} rows in this run)", table.id(), tableRows);
            TableId done = table.id();
            table = null;
            return begin(next(done), at);
        }
        afterRead.run();
        String id = run + ++chunks;
        // transactional, so that its commit flushes the WAL at once: a non-transactional message waits for the WAL
        // writer (up to wal_writer_delay) before the walsender may send it, and every chunk waited that long
        try (PreparedStatement ps = metadata.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            ps.setString(1, PgOutputDecoder.SNAPSHOT_WATERMARK);
            ps.setString(2, id);
            ps.execute();
        }
        open = read;
        openId = id;
        dropped = false;
        return List.of();
    }

    private ChunkReader.Read readExactly() throws SQLException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            ChunkReader.Read read = reader.read(table, progress.lastKey(), chunkSize, CHUNK_BYTES);
            long invisible = firstInvisible(read.snapshot());
            if (invisible < 0) {
                return read;
            }
            if (attempt >= MAX_READS) {
                throw new RetriableException("incremental snapshot of " + table.id() + ": transaction " + invisible
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

    private List<ChangeEvent> begin(Catalog.TableInfo next, PgOffset at) throws SQLException {
        if (next == null) {
            log.info("incremental snapshot complete: {} rows read", progress.rows());
            progress = null;
            decoder.progress(null);
            return List.of();
        }
        List<String> key = checkKey(catalog, next);
        RelationInfo relation = RelationInfo.of(next.id(), catalog.columns(next.oid()), key,
                catalog.notNull(next.oid()), types);
        progress = progress.begin(next.id());
        decoder.progress(progress);
        table = next;
        tableRows = 0;
        log.info("incremental snapshot: reading table {}", next.id());
        // what a sink holds of the table from an earlier run goes: the chunks bring every row there is now
        return List.of(ChangeEvent.builder(Op.TRUNCATE, next.id(), relation.schema)
                .offset(at.withProgress(progress)).commitTime(clock.instant()).build());
    }

    /** The selected table with this name now, or null. */
    private Catalog.TableInfo find(TableId id) throws SQLException {
        for (Catalog.TableInfo candidate : catalog.tables(filter)) {
            if (candidate.id().equals(id)) {
                return candidate;
            }
        }
        return null;
    }

    /** The first selected table after {@code after} (null: the first of all) in snapshot order, or null. */
    private Catalog.TableInfo next(TableId after) throws SQLException {
        return catalog.tables(filter).stream()
                .filter(t -> after == null || SnapshotProgress.ORDER.compare(t.id(), after) > 0)
                .min(Comparator.comparing(Catalog.TableInfo::id, SnapshotProgress.ORDER))
                .orElse(null);
    }

    /** Reconciles the chunk with the stream events {@code events[from..]}, delivered inside its window. */
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

    /** The chunk's table is read again (it joined anew, or its columns changed): its open chunk is read again. */
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
     * with the progress up to its key; none if the chunk was dropped (it is read again next).
     */
    List<ChangeEvent> atHighWatermark(PgOffset h) throws SQLException {
        ChunkReader.Read read = open;
        open = null;
        if (!dropped && !read.relation().shape.sameColumns(currentShape())) {
            dropped = true; // a DDL after the read: its rows would come after the change in a shape from before
        }
        if (dropped) {
            log.debug("incremental snapshot: chunk of {} after {} dropped, read again", table.id(),
                    progress.lastKey());
            return List.of();
        }
        Instant now = clock.instant();
        List<Row> rows = read.chunk().rows();
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            progress = progress.emitted(read.keys().get(row));
            events.add(ChangeEvent.builder(Op.READ, read.chunk().table(), read.chunk().schema()).after(row)
                    .offset(h.withProgress(progress)).commitTime(now).build());
        }
        if (!read.lastKey().equals(progress.lastKey())) {
            progress = progress.through(read.lastKey()); // the chunk's last rows were changed by the log
        }
        tableRows += rows.size();
        decoder.progress(progress);
        return events;
    }

    private SchemaChange.Shape currentShape() throws SQLException {
        List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
        return new SchemaChange.Shape(columns, columns.stream().map(c -> "").toList());
    }

    @Override
    public void close() {
        reader.close();
    }
}

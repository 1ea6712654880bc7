package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.RetriableException;
import dev.sluice.Schema;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.ChunkReaders;
import dev.sluice.capture.SnapshotChunk;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import dev.sluice.capture.SnapshotWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental snapshot of {@link SnapshotMode#INCREMENTAL} (the DBLog method), interleaved with the stream on
 * the capture thread: between two polls, with the stream paused at position {@code P}, a window of up to
 * {@code snapshotParallelism} chunks is read at once, each on a connection of its own ({@link ChunkReader},
 * {@link ChunkReaders}; which chunks: {@link SnapshotWindow#plan}), and a transactional logical message (the high
 * watermark {@code H}) is written; the stream's events up to {@code H} are reconciled with every chunk, and at
 * {@code H} the rows left are emitted as {@code READ} events in (table, key) order ({@link SnapshotWindow#emit}).
 * A table the window begins gets its TRUNCATE at {@code P}, before the window's stream events. The progress (see
 * {@link SnapshotProgress}) rides on every offset the stream produces from then on, so a restart continues after
 * the last row emitted.
 *
 * <p>Exactness: each chunk's read must see every transaction the stream delivered before {@code P}. PostgreSQL
 * sends a transaction as soon as its commit record is flushed, which can be an instant before it becomes visible
 * to new snapshots; each read's own {@code pg_current_snapshot()} is checked against the xids of the last
 * {@link PgOutputDecoder#RECENT_XIDS} transactions delivered, and the chunk is read again while one of them is
 * invisible to it.
 *
 * <p>Memory: a chunk's read stops once its rows pass {@link #CHUNK_BYTES}, so a window holds at most
 * {@code snapshotParallelism} × {@link #CHUNK_BYTES} of rows. Used by the capture thread only (the reads of a window
 * run on the readers' threads while it waits).
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
    private final ChunkReaders<ChunkReader> readers;
    private final PgOutputDecoder decoder;
    private final Clock clock;
    private final int chunkSize;
    private final String run;

    private SnapshotProgress progress;
    /** True if the progress's table was read to its end: the next window starts with the table after it. */
    private boolean tableDone;
    /** True once the table a resume continues in was checked. */
    private boolean resumeChecked;
    /** The tables selected when this session began, and the planner's estimate of their rows (or -1). */
    private final List<TableId> selected;
    private final long estimate;
    /** Windows opened and chunks read by this session (for tests). */
    private long windows;
    private long chunksRead;
    /** The open window's chunks, in (table, key) order, or null. */
    private List<Part> open;
    private String openId;
    /** Tables whose chunks of the open window are read again after it (their columns changed in it). */
    private final Set<TableId> dropped = new HashSet<>();
    /** For tests: runs after each window's reads, before its high watermark (inside the window). */
    private Hook afterRead = () -> { };

    /** Something to run on the capture thread; for tests. */
    interface Hook {
        void run() throws SQLException;
    }

    /** A chunk of the open window: the range it was read for, and the read. */
    private record Part(SnapshotWindow.Range range, Catalog.TableInfo table, ChunkReader.Read read) {}

    IncrementalSnapshot(Connection metadata, TypeResolver types, TableFilter filter, ChunkReaders<ChunkReader> readers,
            PgOutputDecoder decoder, Clock clock, int chunkSize, String slot, SnapshotProgress progress)
            throws SQLException {
        this.metadata = metadata;
        this.catalog = new Catalog(metadata);
        this.types = types;
        this.filter = filter;
        this.readers = readers;
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
            log.info("incremental snapshot: starting, chunks of {} rows, {} at once", chunkSize,
                    readers.parallelism());
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

    /** For tests: the windows this session opened and the chunks it read in them. */
    long[] reads() {
        return new long[] {windows, chunksRead};
    }

    /** For tests: {@code hook} runs after each window's reads, before its high watermark is written. */
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
     * The next step, with the stream paused at {@code at} and no window open: reads the next window's chunks and
     * writes its high watermark, and returns the TRUNCATE of each table the window begins, at {@code at} (the first
     * of them, if the window starts with it, with the progress of the table begun; the others with the progress
     * before them, so a crash before their rows are committed begins them again); or, after a resume whose table's
     * key changed, that table's TRUNCATE (its read starts over); or completes the snapshot.
     */
    List<ChangeEvent> step(PgOffset at) throws SQLException, InterruptedException {
        if (progress == null || open != null) {
            return List.of();
        }
        Map<TableId, Catalog.TableInfo> tables = new TreeMap<>(SnapshotProgress.ORDER);
        catalog.tables(filter).forEach(t -> tables.put(t.id(), t));
        if (progress.table() != null && !tableDone && !tables.containsKey(progress.table())) {
            tableDone = true; // dropped, renamed or left out since: its TRUNCATE or DROP reaches the sinks by the log
        }
        if (!resumeChecked) {
            resumeChecked = true;
            Catalog.TableInfo table = tableDone || progress.table() == null ? null : tables.get(progress.table());
            if (table != null && !progress.lastKey().isEmpty()
                    && checkKey(catalog, table).size() != progress.lastKey().size()) {
                log.warn("incremental snapshot: the primary key of {} changed since its last chunk; it is read"
                        + " again from its start", table.id());
                progress = progress.begin(table.id());
                decoder.progress(progress);
                return List.of(truncate(table.id(), relation(table).schema, at));
            }
        }
        List<TableId> following = tables.keySet().stream()
                .filter(t -> progress.table() == null || SnapshotProgress.ORDER.compare(t, progress.table()) > 0)
                .toList();
        List<SnapshotWindow.Range> ranges = SnapshotWindow.plan(progress, tableDone, following,
                readers.parallelism(), chunkSize,
                (table, after, skip) -> readers.reader(0).keyAfter(tables.get(table), after, skip));
        if (ranges.isEmpty()) {
            log.info("incremental snapshot complete: {} rows read", progress.rows());
            progress = null;
            decoder.progress(null);
            readers.close();
            return List.of();
        }
        for (SnapshotWindow.Range range : ranges) {
            if (!range.table().equals(progress.table())) {
                checkKey(catalog, tables.get(range.table()));
            }
        }
        long[] delivered = decoder.recentXids(); // the stream is paused: the same for every read of the window
        List<ChunkReaders.Task<ChunkReader, ChunkReader.Read>> tasks = new ArrayList<>(ranges.size());
        for (SnapshotWindow.Range range : ranges) {
            Catalog.TableInfo table = tables.get(range.table());
            tasks.add(reader -> readExactly(reader, table, range, chunkSize, delivered));
        }
        List<ChunkReader.Read> reads = readers.run(tasks);
        afterRead.run();
        chunksRead += reads.size();
        String id = run + ++windows;
        // transactional, so that its commit flushes the WAL at once: a non-transactional message waits for the WAL
        // writer (up to wal_writer_delay) before the walsender may send it, and every chunk waited that long
        try (PreparedStatement ps = metadata.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            ps.setString(1, PgOutputDecoder.SNAPSHOT_WATERMARK);
            ps.setString(2, id);
            ps.execute();
        }
        List<Part> parts = new ArrayList<>(ranges.size());
        List<ChangeEvent> truncates = new ArrayList<>();
        TableId last = progress.table(); // the table the window continues in, if any: not truncated again
        if (!ranges.get(0).table().equals(last)) {
            // every table before it is done: it is begun at once, and a resume from here does not truncate it again
            progress = progress.begin(ranges.get(0).table());
            tableDone = false;
            decoder.progress(progress);
        }
        // a table begun after another one in this window carries the progress before it: a resume begins it again
        for (int i = 0; i < ranges.size(); i++) {
            SnapshotWindow.Range range = ranges.get(i);
            parts.add(new Part(range, tables.get(range.table()), reads.get(i)));
            if (!range.table().equals(last)) {
                log.info("incremental snapshot: reading table {}", range.table());
                // what a sink holds of the table from an earlier run goes: the chunks bring every row there is now
                truncates.add(truncate(range.table(), reads.get(i).relation().schema, at));
                last = range.table();
            }
        }
        open = parts;
        openId = id;
        dropped.clear();
        return truncates;
    }

    /** A table's TRUNCATE at {@code at}, carrying the progress as it is (a crash before its rows begins it again). */
    private ChangeEvent truncate(TableId table, Schema schema, PgOffset at) {
        return ChangeEvent.builder(Op.TRUNCATE, table, schema).offset(at.withProgress(progress))
                .commitTime(clock.instant()).build();
    }

    private RelationInfo relation(Catalog.TableInfo table) throws SQLException {
        return RelationInfo.of(table.id(), catalog.columns(table.oid()), checkKey(catalog, table),
                catalog.notNull(table.oid()), types);
    }

    /** Reads a chunk on {@code reader} until its snapshot sees every transaction in {@code delivered}. */
    private static ChunkReader.Read readExactly(ChunkReader reader, Catalog.TableInfo table,
            SnapshotWindow.Range range, int chunkSize, long[] delivered) throws SQLException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            ChunkReader.Read read = reader.read(table, range.after(), range.through(), null, chunkSize, CHUNK_BYTES);
            long invisible = firstInvisible(read.snapshot(), delivered);
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

    private static long firstInvisible(XidSnapshot snapshot, long[] delivered) {
        for (long xid : delivered) {
            if (!snapshot.sees(xid)) {
                return xid;
            }
        }
        return -1;
    }

    /** Reconciles the window's chunks with the stream events {@code events[from..]}, delivered inside it. */
    void reconcile(List<ChangeEvent> events, int from) {
        if (open == null) {
            return;
        }
        for (int i = from; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            for (Part part : open) {
                SnapshotChunk chunk = part.read().chunk();
                if (!event.table().equals(chunk.table()) || dropped.contains(chunk.table())) {
                    continue;
                }
                if (!event.schema().equals(chunk.schema())) {
                    dropped.add(chunk.table()); // its columns changed in the window: read the chunk again after it
                    continue;
                }
                chunk.reconcile(event);
            }
        }
    }

    /** The table is read again (it joined anew, or its columns changed): its chunks of the window are read again. */
    void drop(TableId reread) {
        if (open != null) {
            dropped.add(reread);
        }
    }

    /** True if {@code watermark} is the open window's high watermark. */
    boolean isHighWatermark(PgOutputDecoder.Watermark watermark) {
        return open != null && watermark.content().equals(openId);
    }

    /**
     * The stream reached the open window's high watermark at {@code h}: the rows left, as {@code READ} events in
     * (table, key) order, each with the progress up to its key, as far as {@link SnapshotWindow#emit} goes (a
     * dropped table's chunks and those after them are read again next).
     */
    List<ChangeEvent> atHighWatermark(PgOffset h) throws SQLException {
        List<Part> parts = open;
        open = null;
        List<SnapshotWindow.Read> reads = new ArrayList<>(parts.size());
        for (Part part : parts) {
            ChunkReader.Read read = part.read();
            if (!dropped.contains(part.range().table())
                    && !read.relation().shape.sameColumns(currentShape(part.table()))) {
                // a DDL after the read: its rows would come after the change in a shape from before
                dropped.add(part.range().table());
            }
            boolean cut = read.chunk().bytes() >= CHUNK_BYTES;
            boolean covered = part.range().bounded() ? !cut : !cut && read.keys().size() < chunkSize;
            reads.add(new SnapshotWindow.Read(part.range(), read.chunk(), read.keys()::get,
                    read.lastKey().isEmpty() ? null : read.lastKey(), covered));
        }
        if (!dropped.isEmpty()) {
            log.debug("incremental snapshot: chunks of {} dropped, read again", dropped);
        }
        Instant now = clock.instant();
        List<ChangeEvent> events = new ArrayList<>();
        SnapshotWindow.Emitted emitted = SnapshotWindow.emit(progress, tableDone, reads, dropped,
                (read, row, at) -> events.add(ChangeEvent.builder(Op.READ, read.chunk().table(),
                        read.chunk().schema()).after(row).offset(h.withProgress(at)).commitTime(now).build()));
        progress = emitted.progress();
        tableDone = emitted.tableDone();
        emitted.completed().forEach(t -> log.info("incremental snapshot: table {} read", t));
        decoder.progress(progress);
        dropped.clear();
        return events;
    }

    private SchemaChange.Shape currentShape(Catalog.TableInfo table) throws SQLException {
        List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
        return new SchemaChange.Shape(columns, columns.stream().map(c -> "").toList());
    }

    @Override
    public void close() {
        readers.close();
    }
}

package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import dev.sluice.capture.ChunkReaders;
import dev.sluice.capture.SnapshotChunk;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import dev.sluice.capture.SnapshotWindow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental snapshot ({@link SnapshotMode#INCREMENTAL}) running beside a binlog stream: the tables, in
 * {@link SnapshotProgress#ORDER}, read chunk by chunk between polls of the stream and reconciled with it (the DBLog
 * method, see {@link SnapshotChunk} and {@code docs/source-mysql.md}, "Snapshots").
 *
 * <p>One window: with the stream paused at P, {@link #open} reads up to {@code snapshotParallelism} chunks at once,
 * each on a connection of its own ({@link ChunkReader}, {@link ChunkReaders}; which chunks: {@link SnapshotWindow#plan})
 * and each checked against P on its own, then notes the binlog's end H; a table the window begins gets its TRUNCATE
 * at P. The stream then goes on, each event it delivers passed to {@link #reconcile}; once the stream
 * {@linkplain BinlogEvents#reached reached} H, {@link #emit} turns the rows left into READ events in (table, key)
 * order ({@link SnapshotWindow#emit}), each carrying H and the progress through its key. The progress the stream's
 * offsets carry is set in the {@link BinlogEvents}. Memory: a window holds at most {@code snapshotParallelism} ×
 * {@value ChunkReader#MAX_CHUNK_BYTES} bytes of rows. Not thread-safe: the stream's polling thread only (the reads
 * of a window run on the readers' threads while it waits).
 */
final class IncrementalSnapshot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalSnapshot.class);

    private final MySqlSource source;
    private final ChunkReaders<ChunkReader> readers;
    private final Connection lookup;
    /** The tables not yet read to their end (the progress's table among them while it is read), in ORDER. */
    private final List<TableId> left;
    private final Clock clock;
    private SnapshotProgress progress;
    /** True if the progress's table was read to its end: the next window starts with the table after it. */
    private boolean tableDone;
    /** The tables captured when this session began, and InnoDB's estimate of their rows (or -1). */
    private final List<TableId> captured;
    private final long estimate;
    /** The open window's chunks in (table, key) order, until the stream reaches {@link #high}; or null. */
    private List<Part> open;
    private MySqlOffset high;
    private int windows;
    private int chunks;
    private final AtomicInteger retries = new AtomicInteger();
    /** Runs after each window's reads, before the high watermark is taken (tests change rows inside the window). */
    private Runnable afterRead = () -> { };

    /** A chunk of the open window: the range it was read for, and the read. */
    private record Part(SnapshotWindow.Range range, ChunkReader.Read read) {}

    private IncrementalSnapshot(MySqlSource source, ChunkReaders<ChunkReader> readers, Connection lookup,
            List<TableId> tables, SnapshotProgress progress, Clock clock, List<TableId> captured, long estimate) {
        this.source = source;
        this.readers = readers;
        this.lookup = lookup;
        this.left = new ArrayList<>(tables);
        this.captured = List.copyOf(captured);
        this.estimate = estimate;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * The snapshot of the {@code captured} tables from {@code progress}: the table it names and every later one.
     * Chunks are read on up to {@code source.snapshotParallelism()} connections, on threads named after
     * {@code threadName}.
     *
     * @throws FatalException if one of them has no primary key
     */
    static IncrementalSnapshot start(MySqlSource source, boolean mariaDb, Connection lookup, List<TableId> captured,
            SnapshotProgress progress, Clock clock, String threadName) throws SQLException {
        List<TableId> left = new ArrayList<>(captured);
        left.sort(SnapshotProgress.ORDER);
        if (progress.table() != null) {
            left.removeIf(progress::isDone);
        }
        for (TableId table : left) {
            InfoSchema.TableDef def = InfoSchema.settled(lookup, table);
            if (def != null && def.key().isEmpty()) {
                throw keyless(table);
            }
            if (def != null) {
                ChunkKeys.of(def); // refuses keys it cannot page by
            }
        }
        if (progress.table() == null || progress.rows() == 0 && progress.lastKey().isEmpty()) {
            LOG.info("incremental snapshot of {} tables begins, {} chunks at once: {}", left.size(),
                    source.snapshotParallelism(), left);
        } else {
            LOG.info("incremental snapshot resumes at {} after key {} ({} rows read before)", progress.table(),
                    progress.lastKey(), progress.rows());
        }
        ChunkReaders<ChunkReader> readers = new ChunkReaders<>(() -> new ChunkReader(source.connect(), mariaDb),
                source.snapshotParallelism(), threadName);
        return new IncrementalSnapshot(source, readers, lookup, left, progress, clock, captured,
                InfoSchema.estimatedRows(lookup, captured));
    }

    static FatalException keyless(TableId table) {
        return new FatalException("table " + table + " has no primary key, so an incremental snapshot cannot read it"
                + " in chunks. Fix: add a primary key to it, or use SnapshotMode.INITIAL for a consistent one-shot read"
                + " (or leave the table out of the source's tables(...) filter)");
    }

    /** How far the snapshot has come (rows since it began, kept in the offset). */
    SnapshotStatus status() {
        SnapshotProgress now = progress;
        int done = now == null ? captured.size() : (int) captured.stream().filter(now::isDone).count();
        long rows = now == null ? 0 : now.rows();
        return new SnapshotStatus(now == null ? null : now.table(), done, Math.max(done, captured.size()), rows,
                estimate);
    }

    /** True if a window is open: the stream must reach {@link #high} before its chunks are emitted. */
    boolean windowOpen() {
        return open != null;
    }

    /** True once every table is read: the offsets carry no progress any more. */
    boolean finished() {
        return progress == null && open == null;
    }

    /** True if the window is open and the stream reached its high watermark. */
    boolean reached(BinlogEvents events) {
        return open != null && events.reached(high);
    }

    /**
     * With the stream paused at its position P: reads the next window's chunks and notes the high watermark. Each
     * table the window begins is preceded by its TRUNCATE event (added to {@code out}), so the sinks forget whatever
     * they hold of it: the first, if the window starts with it, carries the progress of the table begun; the others
     * the progress before them (a crash before their rows are committed begins them again). Tables gone are
     * skipped; once nothing is left, the progress leaves the offsets.
     */
    void open(BinlogEvents events, List<ChangeEvent> out) throws SQLException, InterruptedException {
        while (progress != null) {
            if (progress.table() != null && !tableDone && !left.contains(progress.table())) {
                tableDone = true;
            }
            List<TableId> following = left.stream().filter(t -> progress.table() == null
                    || SnapshotProgress.ORDER.compare(t, progress.table()) > 0).toList();
            List<SnapshotWindow.Range> ranges = SnapshotWindow.plan(progress, tableDone, following,
                    readers.parallelism(), source.snapshotChunkSize(),
                    (table, after, skip) -> readers.reader(0).keyAfter(table, after, skip));
            if (ranges.isEmpty()) {
                LOG.info("incremental snapshot complete: {} rows read", progress.rows());
                progress = null;
                events.progress(null);
                readers.close();
                return;
            }
            MySqlOffset paused = events.position();
            int limit = source.snapshotChunkSize();
            List<ChunkReaders.Task<ChunkReader, Optional<ChunkReader.Read>>> tasks = new ArrayList<>();
            for (SnapshotWindow.Range range : ranges) {
                tasks.add(reader -> {
                    int before = reader.retries();
                    ChunkReader.Read read = reader.read(range.table(), range.after(), range.through(), null, limit, paused);
                    retries.addAndGet(reader.retries() - before);
                    return Optional.ofNullable(read);
                });
            }
            List<Optional<ChunkReader.Read>> reads = readers.run(tasks);
            List<Part> parts = new ArrayList<>(ranges.size());
            for (int i = 0; i < ranges.size(); i++) {
                if (reads.get(i).isEmpty()) {
                    LOG.info("incremental snapshot: table {} no longer exists", ranges.get(i).table());
                    left.remove(ranges.get(i).table());
                } else {
                    parts.add(new Part(ranges.get(i), reads.get(i).get()));
                }
            }
            if (parts.size() < ranges.size()) {
                continue; // a window without the tables gone
            }
            afterRead.run();
            high = ServerChecks.currentPosition(lookup, source.user());
            windows++;
            chunks += parts.size();
            TableId last = progress.table(); // the table the window continues in, if any: not truncated again
            if (!ranges.get(0).table().equals(last)) {
                // every table before it is done: begun at once, a resume from here does not truncate it again
                progress = progress.begin(ranges.get(0).table());
                tableDone = false;
                events.progress(progress);
            }
            for (Part part : parts) {
                TableId table = part.range().table();
                if (!table.equals(last)) {
                    LOG.info("incremental snapshot: reading {}", table);
                    out.add(ChangeEvent.builder(Op.TRUNCATE, table, part.read().def().schema())
                            .offset(events.position()).commitTime(clock.instant()).build());
                    last = table;
                }
            }
            open = parts;
            return;
        }
    }

    /**
     * Reconciles the open window's chunks with events the stream delivered in it. A change of the columns of a table
     * read in the window (an ALTER, or rows of another shape) drops the window: it is read again after.
     */
    void reconcile(List<ChangeEvent> delivered, Map<TableId, InfoSchema.TableDef> altered) {
        if (open == null) {
            return;
        }
        for (ChangeEvent event : delivered) {
            for (Part part : open) {
                SnapshotChunk chunk = part.read().chunk();
                if (event.table().equals(chunk.table()) && event.op() != Op.TRUNCATE
                        && !event.schema().equals(chunk.schema())) {
                    drop(chunk.table(), "its rows changed shape");
                    return;
                }
                chunk.reconcile(event);
            }
        }
        for (Part part : open) {
            if (altered.containsKey(part.range().table())) {
                drop(part.range().table(), "it was altered");
                return;
            }
        }
    }

    private void drop(TableId table, String why) {
        LOG.debug("incremental snapshot: window dropped, read again: {} changed ({})", table, why);
        open = null;
        high = null;
    }

    /**
     * At the high watermark: the rows left in the window's chunks as READ events (into {@code out}), in (table, key)
     * order, each carrying the stream's position and the progress through its key; the stream's offsets then carry
     * the progress after them.
     */
    void emit(BinlogEvents events, List<ChangeEvent> out) {
        MySqlOffset at = events.position();
        Instant now = clock.instant();
        List<SnapshotWindow.Read> reads = new ArrayList<>(open.size());
        for (Part part : open) {
            SnapshotChunk chunk = part.read().chunk();
            ChunkKeys keys = part.read().keys();
            List<String> lastRead = chunk.lastRead() == null ? null : keys.text(chunk.keyOf(chunk.lastRead()));
            reads.add(new SnapshotWindow.Read(part.range(), chunk, row -> keys.text(chunk.keyOf(row)), lastRead,
                    !part.read().full()));
        }
        SnapshotWindow.Emitted emitted = SnapshotWindow.emit(progress, tableDone, reads, Set.of(),
                (read, row, p) -> out.add(ChangeEvent.builder(Op.READ, read.chunk().table(), read.chunk().schema())
                        .after(row).offset(at.withChunk(p)).commitTime(now).build()));
        progress = emitted.progress();
        tableDone = emitted.tableDone();
        for (TableId table : emitted.completed()) {
            left.remove(table);
            LOG.info("incremental snapshot: {} read", table);
        }
        events.progress(progress);
        open = null;
        high = null;
    }

    /** For tests: {@code hook} runs after each window's reads, before the high watermark is taken. */
    void afterRead(Runnable hook) {
        afterRead = hook;
    }

    /** Chunks read, windows opened, and reads taken again because their view was behind the stream (for tests). */
    int chunks() {
        return chunks;
    }

    int windows() {
        return windows;
    }

    int retries() {
        return retries.get();
    }

    @Override
    public void close() {
        readers.close();
    }
}

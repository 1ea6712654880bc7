package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotChunk;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental snapshot ({@link SnapshotMode#INCREMENTAL}) running beside a binlog stream: the tables, in
 * {@link SnapshotProgress#ORDER}, read chunk by chunk between polls of the stream and reconciled with it (the DBLog
 * method, see {@link SnapshotChunk} and {@code docs/source-mysql.md}, "Snapshots").
 *
 * <p>One chunk: with the stream paused at P, {@link #open} reads the chunk ({@link ChunkReader}) and notes the
 * binlog's end H; the stream then goes on, each event it delivers passed to {@link #reconcile}; once the stream
 * {@linkplain BinlogEvents#reached reached} H, {@link #emit} turns the rows left into READ events, each carrying H and
 * the progress through its key. The progress the stream's offsets carry is set in the {@link BinlogEvents}. Not
 * thread-safe: the stream's polling thread only.
 */
final class IncrementalSnapshot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalSnapshot.class);

    private final MySqlSource source;
    private final ChunkReader reader;
    private final Connection lookup;
    private final Deque<TableId> tables;
    private final Clock clock;
    private SnapshotProgress progress;
    /** The tables captured when this session began, and InnoDB's estimate of their rows (or -1). */
    private final List<TableId> captured;
    private final long estimate;
    /** The open chunk (its window runs until the stream reaches {@link #high}), or null. */
    private ChunkReader.Read open;
    private MySqlOffset high;
    /** Rows of the table being read, emitted by this stream (for the log). */
    private long tableRows;
    private int chunks;
    /** Runs after each chunk's read, before the high watermark is taken (tests change rows inside the window). */
    private Runnable afterRead = () -> { };

    private IncrementalSnapshot(MySqlSource source, ChunkReader reader, Connection lookup, List<TableId> tables,
            SnapshotProgress progress, Clock clock, List<TableId> captured, long estimate) {
        this.source = source;
        this.reader = reader;
        this.lookup = lookup;
        this.tables = new ArrayDeque<>(tables);
        this.captured = List.copyOf(captured);
        this.estimate = estimate;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * The snapshot of the {@code captured} tables from {@code progress}: the table it names and every later one.
     *
     * @throws FatalException if one of them has no primary key
     */
    static IncrementalSnapshot start(MySqlSource source, boolean mariaDb, Connection lookup, List<TableId> captured,
            SnapshotProgress progress, Clock clock) throws SQLException {
        List<TableId> left = new ArrayList<>(captured);
        left.sort(SnapshotProgress.ORDER);
        if (progress.table() != null) {
            left.removeIf(progress::isDone);
        }
        for (TableId table : left) {
            InfoSchema.TableDef def = keyed(lookup, table);
            if (def != null && def.key().isEmpty()) {
                throw keyless(table);
            }
            if (def != null) {
                ChunkKeys.of(def); // refuses keys it cannot page by
            }
        }
        if (progress.table() == null || progress.rows() == 0 && progress.lastKey().isEmpty()) {
            LOG.info("incremental snapshot of {} tables begins: {}", left.size(), left);
        } else {
            LOG.info("incremental snapshot resumes at {} after key {} ({} rows read before)", progress.table(),
                    progress.lastKey(), progress.rows());
        }
        return new IncrementalSnapshot(source, new ChunkReader(source.connect(), mariaDb), lookup, left, progress,
                clock, captured, InfoSchema.estimatedRows(lookup, captured));
    }

    /**
     * The table's definition, read again a few times while it shows no key: information_schema reads the columns
     * and the indexes apart, and a TRUNCATE (a drop and a create) running meanwhile can show a table with columns
     * and no index for a moment (difftest soak seed 2912729820161418368 MARIA_LOG_LOCAL refused a keyed table).
     */
    static InfoSchema.TableDef keyed(Connection lookup, TableId table) throws SQLException {
        InfoSchema.TableDef def = InfoSchema.table(lookup, table);
        for (int attempt = 0; attempt < 5 && def != null && def.key().isEmpty(); attempt++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            def = InfoSchema.table(lookup, table);
        }
        return def;
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

    /** True if a chunk's window is open: the stream must reach {@link #high} before the chunk is emitted. */
    boolean windowOpen() {
        return open != null;
    }

    /** True once every table is read: the offsets carry no progress any more. */
    boolean finished() {
        return tables.isEmpty() && open == null;
    }

    /** True if the window is open and the stream reached its high watermark. */
    boolean reached(BinlogEvents events) {
        return open != null && events.reached(high);
    }

    /**
     * With the stream paused at its position P: reads the next chunk and notes the high watermark. A table's first
     * chunk is preceded by the table's TRUNCATE event (added to {@code out}), so the sinks forget whatever they hold
     * of it. Tables with no rows left are completed on the way; after the last, the progress leaves the offsets.
     */
    void open(BinlogEvents events, List<ChangeEvent> out) throws SQLException, InterruptedException {
        while (!tables.isEmpty()) {
            TableId table = tables.peek();
            boolean begins = !table.equals(progress.table());
            MySqlOffset paused = events.position();
            ChunkReader.Read read = reader.read(table, begins ? List.of() : progress.lastKey(),
                    source.snapshotChunkSize(), paused);
            if (read == null) {
                LOG.info("incremental snapshot: table {} no longer exists", table);
                tables.poll();
                continue;
            }
            if (begins) {
                progress = progress.begin(table);
                events.progress(progress);
                tableRows = 0;
                LOG.info("incremental snapshot: reading {}", table);
                out.add(ChangeEvent.builder(Op.TRUNCATE, table, read.def().schema()).offset(events.position())
                        .commitTime(clock.instant()).build());
            }
            if (read.chunk().lastRead() == null) {
                completed(table);
                continue;
            }
            open = read;
            afterRead.run();
            high = ServerChecks.currentPosition(lookup, source.user());
            chunks++;
            return;
        }
        if (progress != null) {
            LOG.info("incremental snapshot complete: {} rows read", progress.rows());
            progress = null;
            events.progress(null);
        }
    }

    private void completed(TableId table) {
        tables.poll();
        LOG.info("incremental snapshot: {} read ({} rows)", table, tableRows);
    }

    /**
     * Reconciles the open chunk with events the stream delivered in its window. A change of the chunk's table's
     * columns in the window (an ALTER, or rows of another shape) drops the chunk: it is read again after.
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
        LOG.debug("incremental snapshot: chunk of {} dropped, read again: {}", open.chunk().table(), why);
        open = null;
        high = null;
    }

    /**
     * At the high watermark: the rows left in the chunk as READ events (into {@code out}), each carrying the stream's
     * position and the progress through its key; the stream's offsets then carry the progress after the chunk.
     */
    void emit(BinlogEvents events, List<ChangeEvent> out) {
        SnapshotChunk chunk = open.chunk();
        ChunkKeys keys = open.keys();
        MySqlOffset at = events.position();
        List<Row> rows = chunk.rows();
        Instant now = clock.instant();
        for (Row row : rows) {
            progress = progress.emitted(keys.text(chunk.keyOf(row)));
            out.add(ChangeEvent.builder(Op.READ, chunk.table(), chunk.schema()).after(row)
                    .offset(at.withChunk(progress)).commitTime(now).build());
        }
        tableRows += rows.size();
        if (rows.isEmpty() || rows.get(rows.size() - 1) != chunk.lastRead()) {
            progress = progress.through(keys.text(chunk.keyOf(chunk.lastRead())));
        }
        events.progress(progress);
        boolean full = open.full();
        open = null;
        high = null;
        if (!full) {
            // fewer rows than asked: none after them existed at the read, later ones come with the stream
            completed(chunk.table());
        }
    }

    /** For tests: {@code hook} runs after each chunk's read, before the high watermark is taken. */
    void afterRead(Runnable hook) {
        afterRead = hook;
    }

    /** Chunks read, and reads taken again because their view was behind the stream (for tests). */
    int chunks() {
        return chunks;
    }

    int retries() {
        return reader.retries();
    }

    @Override
    public void close() {
        reader.close();
    }
}

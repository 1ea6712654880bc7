package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.HealthProbe;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link MySqlSource} session: an optional snapshot, then the binlog. Threading as {@link ChangeStream} says: one
 * polling thread; {@link #close()} may come from another to abort a poll.
 */
final class MySqlChangeStream implements ChangeStream {

    private static final int MAX_EVENTS = 2000;

    private final MySqlSource source;
    private final PipelineContext context;
    private final long serverId;
    private Connection lookup;
    private boolean mariaDb;
    private Map<Integer, String> collations;
    /** The server's identity ({@link ServerChecks#identity}). */
    private String server;
    /** The captured tables when the stream opened. */
    private List<TableId> captured;
    private MySqlOffset head;
    private SnapshotReader snapshot;
    private long snapshotEstimate = -1;
    private MySqlOffset snapshotPosition;
    private BinlogConnection binlog;
    private BinlogEvents events;
    /** A re-read of tables after an ALTER that changed their rows' values, or null. */
    private SnapshotReader reread;
    /** An incremental snapshot running beside the binlog, or null. */
    private IncrementalSnapshot incremental;
    /** The backfills owed (Pipeline.backfill), created at the first request or a resume with some, or null. */
    private TableBackfills backfills;
    private MySqlOffset position;
    private boolean finished;
    private volatile boolean closed;
    /** The binlog position the pipeline needs: the one it committed last, or the one it started from. */
    private volatile MySqlOffset needed;
    /** Measures the binlog the pipeline needs on a connection of its own; null when it needs none. */
    private volatile HealthProbe health;

    private MySqlChangeStream(MySqlSource source, PipelineContext context, long serverId) {
        this.source = source;
        this.context = context;
        this.serverId = serverId;
    }

    static MySqlChangeStream open(MySqlSource source, MySqlOffset from, PipelineContext context, long serverId) {
        MySqlChangeStream stream = new MySqlChangeStream(source, context, serverId);
        try {
            stream.start(from);
            stream.startHealth(from);
            return stream;
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        } catch (SQLException e) {
            stream.close();
            throw source.translate(e, "open the stream");
        }
    }

    private void start(MySqlOffset from) throws SQLException {
        lookup = source.connect();
        mariaDb = ServerChecks.check(lookup, serverId, source.address());
        source.lockHolder().set(PipelineLock.acquire(lookup, context.pipelineName(), serverId,
                source.lockHolder().get()));
        head = ServerChecks.currentPosition(lookup, source.user());
        collations = InfoSchema.collations(lookup);
        server = ServerChecks.identity(lookup, mariaDb);
        captured = CapturedTables.check(lookup, source.tables(), source.address());
        SnapshotMode mode = source.snapshotMode();
        if (from != null && !from.isSnapshot()) {
            if (mode == SnapshotMode.INITIAL_ONLY) {
                // the snapshot was taken and committed before: nothing left to do
                finished = true;
                position = from;
                return;
            }
            ServerChecks.checkNotPurged(lookup, from, source.user());
            if (from.chunk() != null) {
                startIncremental(from.chunk());
            }
            // a table the filter selects since the stored offset was written: the binlog brings its changes from
            // there on, not the rows it had; read them (the queue rides in the offsets from the first one on)
            BackfillQueue owed = AddedTables.owed(lookup, from, source.tablesStamp(), captured, source.address());
            if (owed != null) {
                backfills = new TableBackfills(source, mariaDb, lookup, context.clock(), owed);
            }
            startBinlog(from.withBackfills(owed));
        } else if (from == null && mode == SnapshotMode.INCREMENTAL) {
            ServerChecks.checkNoPreparedXa(lookup, source.address());
            startIncremental(SnapshotProgress.start());
            startBinlog(head.withChunk(SnapshotProgress.start()));
        } else if (from == null && mode == SnapshotMode.NEVER) {
            // after reading the head: an XA prepared before it and committed after it would be lost
            ServerChecks.checkNoPreparedXa(lookup, source.address());
            startBinlog(head);
        } else {
            snapshot = new SnapshotReader(source.connect(), source.tables(), context.clock().instant());
            snapshotEstimate = InfoSchema.estimatedRows(lookup, snapshot.tables());
            snapshotPosition = snapshot.begin(mariaDb, source.user());
            if (mode != SnapshotMode.INITIAL_ONLY) {
                // after fixing the position: an XA prepared before it and committed after it would be lost
                ServerChecks.checkNoPreparedXa(lookup, source.address());
            }
            position = MySqlOffset.snapshot(snapshotPosition.file(), snapshotPosition.position());
        }
    }

    private void startIncremental(SnapshotProgress progress) throws SQLException {
        incremental = IncrementalSnapshot.start(source, mariaDb, lookup, captured, progress, context.clock(),
                "sluice-" + context.pipelineName() + "-mysql-chunk");
    }

    /** The GTID state at the start position, and the state to resume from by GTID (null: by file and position). */
    private record ResumePoint(String state, String byGtid) {}

    /**
     * Checks that the server's binlog at the offset is the one the offset was read from. A restore, a RESET MASTER
     * or a failover make the same file and position name other events. After a failover to another MariaDB server,
     * the offset's GTID state says where to resume (by GTID; the server refuses if it lacks those transactions);
     * on the same server (RESET MASTER, a restore) and on MySQL it is fatal.
     */
    private ResumePoint resumePoint(MySqlOffset from) {
        try {
            String actual = mariaDb ? ServerChecks.gtidStateAt(lookup, from.file(), from.position()) : null;
            boolean otherServer = from.server() != null && !from.server().equals(server);
            if (from.state() == null) {
                if (otherServer) {
                    throw new FatalException("the stored offset " + from.encode() + " was read from server "
                            + from.server() + ", but " + source.address() + " is server " + server + " (a failover or"
                            + " a restore): its binlog positions name other events. Fix: delete this pipeline's stored"
                            + " offset to take a new snapshot" + (mariaDb ? "" : " (resuming by GTID after a failover"
                            + " is supported on MariaDB only)"));
                }
                return new ResumePoint(actual, null); // a fresh start, or an offset of an older version
            }
            if (!otherServer && ServerChecks.sameState(actual, from.state())) {
                return new ResumePoint(from.state(), null);
            }
            if (!otherServer) {
                // the same server, another log: after RESET MASTER MariaDB numbers GTIDs from 1 again, so resuming
                // by GTID would skip the new transactions that reuse the old numbers
                throw new FatalException("the stored offset " + from.encode() + " does not match the binlog of "
                        + source.address() + ": there the position holds the GTID state '" + actual + "', not '"
                        + from.state() + "' (RESET MASTER, or a restore of the server). The changes in between are"
                        + " lost to binlog capture. Fix: delete this pipeline's stored offset to take a new snapshot");
            }
            if (!from.preparedXa().isEmpty()) {
                throw new FatalException("the stored offset " + from.encode() + " does not match the binlog of "
                        + source.address() + " (a failover, a restore or RESET MASTER), and XA transactions were"
                        + " prepared but not committed at that offset: they cannot be read again by GTID. Fix: delete"
                        + " this pipeline's stored offset to take a new snapshot");
            }
            return new ResumePoint(from.state(), from.state().isEmpty() ? "" : from.state());
        } catch (SQLException e) {
            throw source.translate(e, "check the stored offset's binlog position");
        }
    }

    /** Streams from {@code from}; every offset from here on records the source's current filter. */
    private void startBinlog(MySqlOffset from) {
        TableDecoders decoders = new TableDecoders(source.tables(), collations, this::jsonColumns);
        for (TableId table : captured) {
            InfoSchema.TableDef def = definition(table);
            if (def != null) {
                decoders.known(table, def.schema());
            }
        }
        ResumePoint resume = resumePoint(from);
        events = new BinlogEvents(decoders, from.withFilter(source.tablesStamp()), server, resume.state());
        binlog = new BinlogConnection(source, mariaDb, serverId, events.startFile(), events.startPosition(),
                resume.byGtid(), "sluice-" + context.pipelineName() + "-binlog");
        binlog.connect();
        position = null;
    }

    private InfoSchema.TableDef definition(TableId table) {
        try {
            return InfoSchema.settled(lookup, table); // a concurrent TRUNCATE can hide it for a moment
        } catch (SQLException e) {
            throw source.translate(e, "read the definition of " + table);
        }
    }

    private Set<String> jsonColumns(TableId table) {
        if (!mariaDb) {
            return Set.of();
        }
        try {
            return InfoSchema.jsonColumns(lookup, table);
        } catch (SQLException e) {
            throw source.translate(e, "read the JSON columns of " + table);
        }
    }

    /**
     * Queues a backfill after checking it (see {@link ChangeStream#backfill}); it runs once no incremental snapshot
     * does. Refused while a consistent snapshot is read (its offsets cannot carry one) and in a snapshot-only run.
     */
    @Override
    public void backfill(TableId table, String condition) {
        if (source.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
            throw new UnsupportedOperationException("a snapshot-only run (SnapshotMode.INITIAL_ONLY) has no binlog"
                    + " stream to backfill beside");
        }
        if (snapshot != null || events == null) {
            throw new IllegalStateException("the initial snapshot is being read; backfills can start once it is"
                    + " complete");
        }
        try {
            if (backfills == null) {
                backfills = new TableBackfills(source, mariaDb, lookup, context.clock(), null);
            }
            backfills.add(table, condition, events);
        } catch (SQLException e) {
            throw source.translate(e, "check the backfill of " + table);
        }
    }

    /** The server's id of the binlog connection, or -1 before streaming (for tests that cut it). */
    long binlogConnectionId() {
        return binlog == null ? -1 : binlog.connectionId();
    }

    /** For tests: the running incremental snapshot, or null. */
    IncrementalSnapshot incremental() {
        return incremental;
    }

    @Override
    public SnapshotStatus snapshotStatus() {
        if (snapshot != null) {
            return snapshot.status(snapshotEstimate);
        }
        if (incremental != null) {
            return incremental.status();
        }
        return backfills != null && backfills.pending() ? backfills.status() : null;
    }

    @Override
    public Offset head() {
        return head;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        if (closed || finished) {
            return List.of();
        }
        if (snapshot != null) {
            return pollSnapshot();
        }
        if (reread != null || !events.altered().isEmpty()) {
            return pollReread();
        }
        if (incremental != null) {
            return pollIncremental(timeout);
        }
        if (backfills != null && backfills.pending()) {
            return pollBackfill(timeout);
        }
        List<ChangeEvent> out = new ArrayList<>();
        stream(out, timeout);
        return out;
    }

    /** Reads binlog events into {@code out}; with a chunk's window open, stops at its high watermark. */
    private void stream(List<ChangeEvent> out, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < MAX_EVENTS) {
            if (incremental != null && incremental.reached(events)
                    || backfills != null && backfills.reached(events)) {
                break; // the chunk's rows come next, before any later event
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 && !out.isEmpty()) {
                break;
            }
            Event event = binlog.next(out.isEmpty() ? Math.max(remaining, 0) : 0);
            if (event == null) {
                if (!out.isEmpty() || remaining <= 0) {
                    break;
                }
                continue;
            }
            int first = out.size();
            events.handle(event, out);
            if (incremental != null) {
                incremental.reconcile(out.subList(first, out.size()), events.altered());
            }
            if (backfills != null) {
                backfills.reconcile(out.subList(first, out.size()), events.altered());
            }
            if (!events.altered().isEmpty()) {
                break; // the ALTER's re-read comes next, before any later event
            }
        }
    }

    /**
     * A poll while an incremental snapshot runs: between chunks, reads the next one (the stream paused); then
     * streams to the chunk's high watermark, and there emits the chunk's rows.
     */
    private List<ChangeEvent> pollIncremental(Duration timeout) throws InterruptedException {
        List<ChangeEvent> out = new ArrayList<>();
        try {
            if (!incremental.windowOpen()) {
                incremental.open(events, out);
                if (incremental.finished()) {
                    incremental.close();
                    incremental = null;
                    return out;
                }
            }
        } catch (SQLException e) {
            throw source.translate(e, "read a chunk of the incremental snapshot");
        }
        stream(out, timeout);
        if (incremental.reached(events)) {
            incremental.emit(events, out);
        }
        return out;
    }

    /**
     * A poll while a backfill is owed (and no incremental snapshot runs): between chunks, reads the next one (the
     * stream paused); then streams to the chunk's high watermark, and there emits the chunk's rows.
     */
    private List<ChangeEvent> pollBackfill(Duration timeout) throws InterruptedException {
        List<ChangeEvent> out = new ArrayList<>();
        try {
            if (!backfills.windowOpen()) {
                backfills.open(events);
            }
        } catch (SQLException e) {
            throw source.translate(e, "read a chunk of a backfill");
        }
        stream(out, timeout);
        if (backfills.reached(events)) {
            backfills.emit(events, out);
        }
        return out;
    }

    /**
     * After an ALTER of captured tables: re-reads those whose rows' values it may have changed (or stops, as
     * {@link SchemaChanges#FAIL} says), at the statement's position, then lets the binlog go on past it.
     */
    private List<ChangeEvent> pollReread() {
        try {
            if (reread == null) {
                startReread();
                if (reread == null) {
                    return List.of();
                }
            }
            List<ChangeEvent> out = reread.next(MAX_EVENTS);
            if (out.isEmpty()) {
                reread.finish();
                reread.close();
                reread = null;
                events.altersHandled();
            }
            return out;
        } catch (SQLException e) {
            throw source.translate(e, "re-read tables after a schema change");
        }
    }

    private void startReread() throws SQLException {
        List<TableId> changed = new ArrayList<>();
        for (Map.Entry<TableId, InfoSchema.TableDef> altered : events.altered().entrySet()) {
            TableId table = altered.getKey();
            InfoSchema.TableDef now = InfoSchema.settled(lookup, table); // not hidden by a concurrent TRUNCATE
            if (now == null) {
                continue; // dropped since: its DROP further on makes the sinks forget it
            }
            events.decoders().known(table, now.schema());
            if (AlteredRows.mayHaveChanged(altered.getValue(), now, events.alterStatement())) {
                changed.add(table);
            }
        }
        if (changed.isEmpty()) {
            events.altersHandled();
            return;
        }
        MySqlOffset at = events.position();
        if (source.schemaChanges() == SchemaChanges.FAIL) {
            throw new FatalException("the statement at " + at.file() + ":" + at.position() + " may have changed the"
                    + " values of existing rows of captured table" + (changed.size() > 1 ? "s " : " ")
                    + changed.stream().map(TableId::toString).toList() + " without row events: "
                    + abbreviate(events.alterStatement()) + ". Fix: use schemaChanges(SchemaChanges.REREAD) (CLI:"
                    + " --schema-changes reread) to re-read the table at that point of the stream, or delete this"
                    + " pipeline's stored offset to take a new snapshot");
        }
        SnapshotReader reader = new SnapshotReader(source.connect(), changed, context.clock().instant());
        try {
            reader.beginReread(at.asReread()); // covers no catch-up target until the tables are read whole
        } catch (SQLException | RuntimeException e) {
            reader.close();
            throw e;
        }
        reread = reader;
    }

    private static String abbreviate(String sql) {
        return sql.length() > 200 ? sql.substring(0, 200) + "…" : sql;
    }

    private List<ChangeEvent> pollSnapshot() {
        try {
            List<ChangeEvent> out = snapshot.next(MAX_EVENTS);
            if (out.isEmpty()) {
                snapshot.finish();
                snapshot.close();
                snapshot = null;
                if (source.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                    finished = true;
                    position = snapshotPosition.withFilter(source.tablesStamp());
                } else {
                    startBinlog(snapshotPosition);
                }
            }
            return out;
        } catch (SQLException e) {
            throw source.translate(e, "read the snapshot");
        }
    }

    @Override
    public Offset position() {
        if (reread != null) {
            // a table read again after an ALTER: not past the statement, and covering nothing, until it is whole
            return events.position().asReread();
        }
        return events != null && !finished ? events.position() : position;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public void committed(Offset offset) {
        // the server keeps binlogs by age, not by replica progress: nothing to release; the health check measures
        // from here
        needed = (MySqlOffset) offset;
    }

    private void startHealth(MySqlOffset from) {
        if (finished || source.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
            return; // a snapshot-only run needs no binlog
        }
        needed = from != null ? from : head;
        health = HealthProbe.start(context.pipelineName(), "the binlog of " + source.address(),
                new BinlogHealth(source, () -> needed), context.clock(), HealthProbe.DEFAULT_INTERVAL);
    }

    @Override
    public SourceHealth health() {
        HealthProbe probe = health;
        return probe != null ? probe.current()
                : SourceHealth.unknown("a snapshot-only run (SnapshotMode.INITIAL_ONLY) needs no binlog");
    }

    /** The binlog's health measured now; for tests. */
    SourceHealth measureHealth() {
        return health.refresh();
    }

    @Override
    public void close() {
        closed = true;
        if (health != null) {
            health.close();
        }
        if (snapshot != null) {
            snapshot.close();
        }
        if (reread != null) {
            reread.close();
        }
        if (incremental != null) {
            incremental.close();
        }
        if (backfills != null) {
            backfills.close();
        }
        if (binlog != null) {
            binlog.close();
        }
        if (lookup != null) {
            // released explicitly: the server may finish the connection's close after a next process asks for it
            PipelineLock.release(lookup, serverId);
            try {
                lookup.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing left to release
            }
        }
    }
}

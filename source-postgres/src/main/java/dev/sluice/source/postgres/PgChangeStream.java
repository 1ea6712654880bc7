package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.HealthProbe;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.ChunkReaders;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of a {@link PostgresSource}: an optional snapshot, then the replication stream.
 *
 * <p>Threading: {@link #poll} and {@link #position} run on the capture thread. {@link #committed} may come from the
 * sink thread at any time: it only records the offset, and the next poll confirms it to the server
 * ({@code PGReplicationStream} is not thread-safe). While the capture thread is away (blocked on a full queue, or
 * reading a snapshot), a {@link KeepAlive} thread pings the replication connection every {@code statusInterval};
 * both hold {@code wire} while they use it.
 */
final class PgChangeStream implements ChangeStream {

    private static final Logger log = LoggerFactory.getLogger(PgChangeStream.class);
    private static final int MAX_BATCH = 2_048;
    /** A poll returns once its events reach this size (by {@link ChangeEvent#estimatedSize}), whatever their count. */
    static final long MAX_BATCH_BYTES = 8L << 20;
    /**
     * How long a poll waits when the socket holds no whole message: from {@link #MIN_IDLE_NANOS}, doubling on every
     * empty check up to {@link #MAX_IDLE_NANOS}, and back to the minimum when a message comes. A fixed 5 ms nap
     * capped a stream that is momentarily drained at what the socket's receive buffer holds per nap: a backlog of
     * one-row transactions went at 59k events/s with the JVM using less than one of the two cores. 1 ms is far
     * below what the buffer holds at any rate this client reaches, and wakes the thread less often than shorter
     * waits (50 µs measured the same).
     */
    private static final long MIN_IDLE_NANOS = 1_000_000;
    private static final long MAX_IDLE_NANOS = 5_000_000;

    private final PostgresSource config;
    private final PipelineContext context;
    private final Connector connector;
    private final String slot;
    private final String publication;
    private final Connection metadata;
    private final Setup setup;
    private final Catalog catalog;
    private final TypeResolver types;
    private final Fence fence;
    private final ColumnWatcher columns;
    /** The columns as last checked, kept in the publication's comment for the next start (null: not streaming). */
    private ColumnRecord columnRecord;
    private final AtomicReference<PgOffset> toConfirm = new AtomicReference<>();

    /** Held by every use of the replication connection: the capture thread's and the keep-alive's. */
    private final ReentrantLock wire = new ReentrantLock();
    private volatile Connection replication;
    private volatile PGReplicationStream stream;
    private KeepAlive keepAlive;
    /** Measures the slot's backlog and retention risk on a connection of its own; null without a slot. */
    private volatile HealthProbe health;
    private PgOutputDecoder decoder;
    private SnapshotReader snapshot;
    private long snapshotEstimate = -1;
    private TableWatcher watcher;
    private long nextTableCheck;
    private PgOutputDecoder.AddedTable pendingTable;
    private SnapshotReader addedTable;
    /**
     * The offset of the events of the table read at a marker, from the read's start until the stream has passed the
     * marker's transaction (committed at {@link #rereadMarker}): stopped in between, a restart meets the marker and
     * reads the table again, so the read must not count as done (the rows would be written twice).
     */
    private PgOffset rereadAt;
    private long rereadMarker;
    /** The end of the WAL after the last marker this stream wrote; 0 when it has passed them all. */
    private long markersUntil;
    private PgOffset snapshotEnd;
    /** The incremental snapshot under way or done in this session (SnapshotMode.INCREMENTAL), or null. */
    private IncrementalSnapshot incremental;
    /** The backfills owed (Pipeline.backfill), once the stream decodes: created at the first request or resume. */
    private TableBackfills backfills;
    private PgOffset base;
    private PgOffset head;
    private boolean finished;
    private long confirmedLsn;
    private long nextHeartbeat;
    private long idleNanos = MIN_IDLE_NANOS;
    private volatile boolean closed;

    private PgChangeStream(PostgresSource config, PipelineContext context, Connection metadata) {
        this.config = config;
        this.context = context;
        this.connector = config.connector(context);
        this.slot = config.slotName(context);
        this.publication = config.publicationName(context);
        this.metadata = metadata;
        this.setup = new Setup(metadata);
        this.catalog = new Catalog(metadata);
        this.types = new TypeResolver(metadata, config.numericMode());
        this.nextTableCheck = System.nanoTime();
        this.fence = new Fence(setup, slot, context.pipelineName(), config);
        this.columns = new ColumnWatcher(catalog);
    }

    static PgChangeStream open(PostgresSource config, PgOffset from, PipelineContext context) {
        Connection metadata = config.connector(context).connect();
        PgChangeStream stream = new PgChangeStream(config, context, metadata);
        try {
            stream.start(from);
            stream.startKeepAlive();
            stream.startHealth();
            return stream;
        } catch (SQLException e) {
            stream.close();
            throw Connector.classify(e, "cannot open the PostgreSQL source on " + PostgresSource.maskUrl(config.jdbcUrl()));
        } catch (RuntimeException | Error e) {
            stream.close();
            throw e;
        }
    }

    private void start(PgOffset from) throws SQLException {
        fence.lock();
        SnapshotMode mode = config.snapshotMode();
        boolean streaming = mode != SnapshotMode.INITIAL_ONLY;
        if (streaming) {
            setup.checkWalLevel();
            setup.checkReplicationRole();
        }
        List<Catalog.TableInfo> tables = setup.tables(config.tables(), streaming);
        boolean incrementalStart = from == null && mode == SnapshotMode.INCREMENTAL;
        if (incrementalStart) {
            IncrementalSnapshot.checkKeys(catalog, tables); // before anything is created
        }
        if (!streaming) {
            startSnapshotOnly(from, tables);
            return;
        }
        fence.checkLegacySlot(from);
        boolean resuming = from != null && !from.snapshot();
        if (resuming) {
            // tables selected since the last run are added with the stream's table-added message, so they are read
            setup.ensurePublicationExists(publication);
        } else {
            setup.ensurePublication(publication, tables);
        }
        watcher = new TableWatcher(metadata, publication, config.tables());
        head = PgOffset.stream(setup.endOfLog(), 0);
        if (from == null && mode == SnapshotMode.INITIAL || from != null && from.snapshot()) {
            startSnapshot(tables, from != null);
        } else {
            startStreaming(from, tables);
            if (incrementalStart || from != null && from.progress() != null) {
                incremental = new IncrementalSnapshot(metadata, types, config.tables(),
                        new ChunkReaders<>(() -> new ChunkReader(connector, config.numericMode()),
                                config.snapshotParallelism(), "sluice-" + context.pipelineName() + "-pg-chunk"),
                        decoder, context.clock(),
                        config.snapshotChunkSize(), slot,
                        incrementalStart ? SnapshotProgress.start() : from.progress());
            }
            if (from != null && from.backfills() != null) {
                backfills = newBackfills(from.backfills());
            }
            checkTables();
        }
    }

    private TableBackfills newBackfills(BackfillQueue queue) {
        return new TableBackfills(metadata, config.tables(), new ChunkReader(connector, config.numericMode()), decoder,
                context.clock(), config.snapshotChunkSize(), slot, queue);
    }

    /**
     * Queues a backfill after checking it (see {@link ChangeStream#backfill}); it runs once no incremental snapshot
     * does. Refused while the initial consistent snapshot is read (its offsets cannot carry a backfill), and in a
     * snapshot-only run.
     */
    @Override
    public void backfill(TableId table, String condition) {
        if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
            throw new UnsupportedOperationException("a snapshot-only run (SnapshotMode.INITIAL_ONLY) has no stream"
                    + " to backfill beside");
        }
        if (snapshot != null || decoder == null) {
            throw new IllegalStateException("the initial snapshot is being read; backfills can start once it is"
                    + " complete");
        }
        try {
            if (backfills == null) {
                backfills = newBackfills(null);
            }
            backfills.add(table, condition);
        } catch (SQLException e) {
            throw Connector.classify(e, "checking the backfill of " + table + " failed");
        }
    }

    private void startSnapshotOnly(PgOffset from, List<Catalog.TableInfo> tables) throws SQLException {
        if (from != null && !from.snapshot()) {
            finished = true; // the snapshot completed in an earlier run
            base = from;
            head = from;
            return;
        }
        Connection connection = connector.connect();
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long lsn;
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next(); // the first statement of the transaction fixes its snapshot
                lsn = PgOffset.parseLsn(rs.getString(1));
            }
            snapshotEnd = PgOffset.stream(lsn, 0);
            head = snapshotEnd;
            snapshotEstimate = catalog.estimatedRows(tables);
            snapshot = new SnapshotReader(connection, tables, rows -> PgOffset.inSnapshot(lsn, rows),
                    context.clock().instant(), config.numericMode());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        log.info("snapshot of {} tables at {} (snapshot only)", tables.size(), snapshotEnd);
    }

    private void startSnapshot(List<Catalog.TableInfo> tables, boolean restart) throws SQLException {
        if (restart) {
            log.warn("the snapshot of slot {} was interrupted: it cannot be resumed, so it starts over with a new"
                    + " slot; rows read before are delivered again", slot);
        }
        if (fence.idleSlot(setup.slot(slot)) != null) {
            setup.dropSlot(slot);
        }
        replication = connector.replication();
        long consistentPoint;
        String snapshotName;
        try (Statement s = replication.createStatement();
                ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + Catalog.quote(slot)
                        + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
            rs.next();
            consistentPoint = PgOffset.parseLsn(rs.getString("consistent_point"));
            snapshotName = rs.getString("snapshot_name");
        }
        // the replication connection now stays idle: its next command would end the exported snapshot
        Connection connection = connector.connect();
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
            }
            columns.seed(new Catalog(connection), tables); // the catalog as of the slot's consistent point
            snapshotEstimate = catalog.estimatedRows(tables);
            snapshot = new SnapshotReader(connection, tables, rows -> PgOffset.inSnapshot(consistentPoint, rows),
                    context.clock().instant(), config.numericMode());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        snapshotEnd = PgOffset.stream(consistentPoint, 0);
        log.info("created replication slot {} at {}; snapshot of {} tables", slot, snapshotEnd, tables.size());
    }

    private void startStreaming(PgOffset from, List<Catalog.TableInfo> tables) throws SQLException {
        Setup.SlotState state = setup.slot(slot);
        long start;
        if (state == null) {
            if (from != null) {
                throw new FatalException("replication slot " + slot + " does not exist, but the pipeline's stored"
                        + " offset " + from.encode() + " needs it: the changes since then are gone from the log."
                        + " Fix: re-snapshot, by deleting the pipeline's stored offset (it then starts with a new"
                        + " snapshot and a new slot).");
            }
            replication = connector.replication();
            try (Statement s = replication.createStatement();
                    ResultSet rs = s.executeQuery("CREATE_REPLICATION_SLOT " + Catalog.quote(slot)
                            + " LOGICAL pgoutput NOEXPORT_SNAPSHOT")) {
                rs.next();
                start = PgOffset.parseLsn(rs.getString("consistent_point"));
            }
            log.info("created replication slot {} at {} (no snapshot)", slot, LogSequenceNumber.valueOf(start));
        } else {
            String database = single("SELECT current_database()");
            if (!"pgoutput".equals(state.plugin()) || !database.equals(state.database())) {
                throw new FatalException("replication slot " + slot + " belongs to database " + state.database()
                        + " with plugin " + state.plugin() + ", not to " + database + " with pgoutput. Fix: give"
                        + " this source its own slotName(...).");
            }
            state = fence.idleSlot(state);
            if (state == null) {
                throw new RetriableException("replication slot " + slot + " vanished while this source waited for it");
            }
            if (state.lost()) {
                throw new FatalException("replication slot " + slot + " was invalidated: the server removed WAL it"
                        + " still needed (max_slot_wal_keep_size), so the changes since "
                        + (from == null ? "its creation" : from.encode()) + " are gone. Fix: re-snapshot, by"
                        + " dropping the slot (SELECT pg_drop_replication_slot('" + slot + "')) and deleting the"
                        + " pipeline's stored offset; raise max_slot_wal_keep_size, or commit more often.");
            }
            if (from != null && state.confirmedFlush() > from.lsn()) {
                throw new FatalException("replication slot " + slot + " has moved to "
                        + LogSequenceNumber.valueOf(state.confirmedFlush()).asString() + ", past the pipeline's"
                        + " stored offset " + from.encode() + ": the changes in between are gone from the log"
                        + " (another client used the slot, or the offset store was restored from an old copy)."
                        + " Fix: re-snapshot, by deleting the pipeline's stored offset and dropping the slot.");
            }
            start = from != null ? from.lsn() : state.confirmedFlush();
            replication = connector.replication();
        }
        // an incremental snapshot's first table begins at once: its TRUNCATE needs a position before any event
        base = from == null && config.snapshotMode() == SnapshotMode.INCREMENTAL ? PgOffset.stream(start, 0) : from;
        startReplication(start, from);
        // without a snapshot, the catalog's columns now are taken as those the sinks' rows have: a Relation message
        // that differs (a DDL after this start, or the stream replaying changes from before a DDL) reads the table
        // again. A DDL committed while no stream ran, with no change of the table between the resume point and it,
        // shows only against the columns recorded at the last check (ColumnRecord): such a table is read again too
        Map<Long, ColumnWatcher.State> now = columns.seed(catalog, tables);
        now.forEach((oid, columnState) -> decoder.baseline(oid, columnState.shape()));
        columnRecord = new ColumnRecord(metadata, publication);
        Map<Long, String> changedWhileStopped = columnRecord.changes(now);
        if (from != null) {
            for (Catalog.TableInfo table : tables) {
                String change = changedWhileStopped.get(table.oid());
                if (change != null) {
                    schemaChanged(table.oid(), table.id(), change, now.get(table.oid()).shape(),
                            "while no stream ran (against the columns recorded at the last check)");
                }
            }
        }
        columnRecord.write(columns.known());
    }


    private void startReplication(long start, PgOffset from) throws SQLException {
        stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.valueOf(start))
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", Catalog.quote(publication))
                .withSlotOption("messages", "true") // the table-added marker (TableWatcher)
                .withStatusInterval((int) Math.min(Integer.MAX_VALUE, config.statusInterval().toMillis()),
                        TimeUnit.MILLISECONDS)
                // pgjdbc would move the flush position it reports to a keepalive's LSN once everything received
                // was flushed: the slot would then pass the pipeline's stored offset, which a restart takes for
                // a slot someone else moved. An idle stream's position follows the keepalives instead (the
                // decoder), the pipeline commits it, and only then is it confirmed (sendConfirmation).
                .withAutomaticFlush(false)
                .start();
        // start the reported positions at the committed one, not unset
        stream.setFlushedLSN(LogSequenceNumber.valueOf(start));
        stream.setAppliedLSN(LogSequenceNumber.valueOf(start));
        decoder = new PgOutputDecoder(config.tables(), this::loadRelation, from);
        decoder.rereadOwed(markersUntil > 0);
        Duration heartbeat = config.heartbeatInterval();
        nextHeartbeat = heartbeat == null ? Long.MAX_VALUE : System.nanoTime() + heartbeat.toNanos();
        log.info("streaming from slot {} at {}", slot, LogSequenceNumber.valueOf(start).asString());
    }

    private RelationInfo loadRelation(long relid, TableId table, List<RelationInfo.ColumnDef> columns)
            throws SQLException {
        return RelationInfo.of(table, columns, catalog.key(relid), catalog.notNull(relid), types);
    }

    private void startKeepAlive() {
        if (replication != null) {
            keepAlive = new KeepAlive("sluice-" + context.pipelineName() + "-pg-keepalive", wire,
                    config.statusInterval(), this::ping);
        }
    }

    private void startHealth() {
        if (config.snapshotMode() != SnapshotMode.INITIAL_ONLY) {
            health = HealthProbe.start(context.pipelineName(), "replication slot " + slot,
                    new SlotHealth(connector, slot), context.clock(), HealthProbe.DEFAULT_INTERVAL);
        }
    }

    @Override
    public SourceHealth health() {
        HealthProbe probe = health;
        return probe != null ? probe.current()
                : SourceHealth.unknown("a snapshot-only run (SnapshotMode.INITIAL_ONLY) keeps no replication slot");
    }

    /** The slot's health measured now; for tests. */
    SourceHealth measureHealth() {
        return health.refresh();
    }

    /**
     * Tells the server this client is alive, with the keep-alive's thread, while the capture thread is away: a
     * status update while streaming (it carries only the flush LSN the pipeline committed), a harmless command
     * while a snapshot is read (the exported snapshot is imported by then, so a command cannot end it).
     */
    private void ping() throws SQLException {
        PGReplicationStream current = stream;
        if (current != null) {
            current.forceUpdateStatus();
            return;
        }
        Connection connection = replication;
        if (connection != null && !closed) {
            try (Statement s = connection.createStatement()) {
                s.execute("IDENTIFY_SYSTEM");
            }
        }
    }

    @Override
    public SnapshotStatus snapshotStatus() {
        if (snapshot != null) {
            return snapshot.status(snapshotEstimate);
        }
        if (incremental != null && incremental.running()) {
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
        if (closed) {
            throw new RetriableException("the PostgreSQL stream of slot " + slot + " was closed");
        }
        wire.lockInterruptibly();
        try {
            if (keepAlive != null) {
                keepAlive.throwIfFailed();
            }
            if (snapshot != null) {
                return readSnapshot();
            }
            if (pendingTable != null || addedTable != null) {
                return readAddedTable();
            }
            if (finished) {
                Thread.sleep(Math.min(timeout.toMillis(), 100));
                return List.of();
            }
            if (incremental != null && incremental.running() && !incremental.windowOpen()) {
                sendConfirmation();
                List<ChangeEvent> begun = incremental.step((PgOffset) position());
                if (!begun.isEmpty()) {
                    return begun;
                }
            }
            if (backfills != null && backfills.pending() && !backfills.windowOpen()
                    && (incremental == null || !incremental.running())) {
                sendConfirmation();
                backfills.step();
            }
            List<ChangeEvent> events = readStream(timeout);
            if (keepAlive != null) {
                keepAlive.touch(); // pgjdbc sent a status update if one was due
            }
            return events;
        } catch (SQLException e) {
            throw Connector.classify(e, "reading from PostgreSQL (slot " + slot + ") failed");
        } finally {
            wire.unlock();
        }
    }

    private List<ChangeEvent> readSnapshot() throws SQLException {
        List<ChangeEvent> events = snapshot.read(MAX_BATCH, MAX_BATCH_BYTES);
        if (!events.isEmpty()) {
            base = (PgOffset) events.get(events.size() - 1).offset();
        }
        if (snapshot.isDone()) {
            SnapshotReader snapshotRead = snapshot;
            snapshot.close();
            snapshot = null;
            base = snapshotEnd;
            log.info("snapshot complete; position {}", snapshotEnd);
            if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                finished = true;
            } else {
                startReplication(snapshotEnd.lsn(), snapshotEnd);
                snapshotRead.tablesRead().forEach((oid, relation) -> decoder.baseline(oid, relation.shape));
                columnRecord = new ColumnRecord(metadata, publication);
                columnRecord.load(); // the snapshot's tables are the sinks' now: written at the next catalog check
            }
        }
        return events;
    }

    /** Adds the tables the publication lacks, if a check is due; the stream then meets their table-added message. */
    private void checkTables() throws SQLException {
        if (System.nanoTime() - nextTableCheck < 0) {
            return;
        }
        if (!watcher.addMissing().isEmpty()) {
            markerWritten();
        }
        for (ColumnWatcher.Changed changed : columns.check(catalog.tables(config.tables()))) {
            schemaChanged(changed.oid(), changed.table(), changed.change(), changed.shape(), "(seen in the catalog)");
        }
        if (columnRecord != null) {
            columnRecord.write(columns.known()); // after the markers of what changed: see ColumnRecord
        }
        nextTableCheck = System.nanoTime() + config.tableCheckInterval().toNanos();
    }

    /**
     * Reads a table that joined the publication in the transaction the stream just met: a TRUNCATE (what a sink
     * holds of an earlier table of that name goes), then its rows as READ events, all at the stream's position
     * before that transaction, so a restart before they are committed meets the message and reads them again. The
     * rows are read now, after the ADD committed: a state at least as new as the stream's, and the stream brings
     * every change after the ADD, so each key ends in the source's state.
     */
    private List<ChangeEvent> readAddedTable() throws SQLException {
        if (addedTable == null) {
            PgOutputDecoder.AddedTable added = pendingTable;
            pendingTable = null;
            long oid = TableWatcher.oidIn(added.content(), publication);
            Catalog.TableInfo table = oid < 0 ? null : watcher.table(oid);
            if (table == null) {
                return List.of(); // another pipeline's table, or dropped or renamed since: nothing to read
            }
            if (added.changed() && config.schemaChanges() == SchemaChanges.FAIL) {
                pendingTable = added; // every poll and every restart stops here again
                throw schemaChangeFailure(table.id(), "marker at "
                        + LogSequenceNumber.valueOf(added.commitLsn()).asString());
            }
            Connection connection = connector.connect();
            try {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                // the stream's position, still before the marker's transaction: every event of the read stays
                // below the transactions after it, a restart before the read is committed meets the marker again,
                // and the slot's confirmation cannot pass the marker mid-read (the marker's own commit LSN did:
                // the next run stopped with "slot has moved past the stored offset"). Marked as a re-read, it covers
                // no catch-up target until the table is read whole: a target before the marker was covered by it,
                // and runs ended with the table half read (its TRUNCATE committed, rows missing; difftest soak
                // seed 7342958391701411049 PG_LOG_JDBC)
                PgOffset at = ((PgOffset) position()).asReread();
                rereadAt = at;
                rereadMarker = added.commitLsn();
                addedTable = new SnapshotReader(connection, List.of(table), rows -> at, context.clock().instant(),
                        config.numericMode());
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
            if (incremental != null) {
                incremental.drop(table.id());
            }
            if (backfills != null) {
                backfills.drop(table.id());
            }
            log.info(added.changed() ? "reading table {} again, whose columns changed (publication {}, marker at {})"
                    : "reading table {}, which joined publication {} at {}", table.id(), publication,
                    LogSequenceNumber.valueOf(added.commitLsn()).asString());
        }
        List<ChangeEvent> events = addedTable.read(MAX_BATCH, MAX_BATCH_BYTES);
        if (addedTable.isDone()) {
            // a table that joined: the first Relation message is compared with the read's columns. A table read
            // again keeps its Relation's columns as baseline: the read may be newer than the stream (a DDL between
            // marker and read), and the stream's events in between still carry the older columns
            addedTable.tablesRead().forEach((oid, relation) -> decoder.baselineIfAbsent(oid, relation.shape));
            addedTable.close();
            addedTable = null;
        }
        return events;
    }

    private List<ChangeEvent> readStream(Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        sendConfirmation();
        heartbeat();
        checkTables();
        List<ChangeEvent> events = new ArrayList<>();
        long messages = 0;
        long bytes = 0;
        while (events.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES && !closed) {
            ByteBuffer message = stream.readPending();
            if (message != null) {
                idleNanos = MIN_IDLE_NANOS;
                int before = events.size();
                decoder.decode(message, events);
                for (int i = before; i < events.size(); i++) {
                    bytes += events.get(i).estimatedSize();
                }
                PgOutputDecoder.Watermark watermark = decoder.takeWatermark();
                if (incremental != null) {
                    incremental.reconcile(events, before);
                    if (watermark != null && incremental.isHighWatermark(watermark)) {
                        events.addAll(incremental.atHighWatermark(reached(watermark)));
                        break; // nothing after the watermark before the chunk's rows
                    }
                }
                if (backfills != null) {
                    backfills.reconcile(events, before);
                    if (watermark != null && backfills.isHighWatermark(watermark)) {
                        events.addAll(backfills.atHighWatermark(reached(watermark)));
                        break; // nothing after the watermark before the chunk's rows
                    }
                }
                checkMarkersPassed();
                PgOutputDecoder.ChangedTable changed = decoder.takeChangedTable();
                if (changed != null && !columns.alreadyMarked(changed.relid(), changed.shape())) {
                    schemaChanged(changed.relid(), changed.table(), changed.change(), changed.shape(),
                            "in the transaction committed at "
                            + LogSequenceNumber.valueOf(changed.commitLsn()).asString());
                }
                pendingTable = decoder.takeAddedTable();
                if (pendingTable != null) {
                    break; // the next poll reads that table, before anything later in the stream
                }
                // changes of tables left out yield no events: still return in time, so the position is committed
                if (++messages % 256 == 0 && System.nanoTime() >= deadline) {
                    break;
                }
                continue;
            }
            decoder.keepalive(stream.getLastReceiveLSN().asLong());
            checkMarkersPassed();
            if (!events.isEmpty() || System.nanoTime() >= deadline) {
                break;
            }
            LockSupport.parkNanos(idleNanos);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the stream of slot " + slot);
            }
            idleNanos = Math.min(idleNanos * 2, MAX_IDLE_NANOS);
            sendConfirmation();
        }
        return events;
    }

    /**
     * A captured table's columns changed so that rows no event mentions may hold other values now (see
     * {@link SchemaChange} and {@link ColumnWatcher}). Acts before anything decoded after the change is returned, so
     * nothing after it can be committed first. Commits a marker message that the stream meets later, where the
     * table is read again like a table that joined the publication (see {@link #readAddedTable}); with
     * {@link SchemaChanges#FAIL} it then stops, and the marker stops every restart again until the pipeline is
     * re-snapshotted (a new slot starts after the marker) or switched to {@link SchemaChanges#REREAD}.
     */
    private void schemaChanged(long oid, TableId table, String change, SchemaChange.Shape shape, String where)
            throws SQLException {
        watcher.markChanged(oid);
        markerWritten();
        columns.marked(oid, shape);
        if (incremental != null) {
            incremental.drop(table); // its open chunk may hold rows of the old shape: read again after
        }
        if (backfills != null) {
            backfills.drop(table);
        }
        if (config.schemaChanges() == SchemaChanges.FAIL) {
            throw schemaChangeFailure(table, change + ", " + where);
        }
        log.info("the columns of table {} changed {} ({}); its rows are read again where the stream reaches the"
                + " marker", table, where, change);
    }

    /**
     * A marker was written: until the stream has passed it (and the read it asks for is done), every offset is a
     * re-read's (see PgOutputDecoder.rereadOwed): a catch-up target taken before the marker cannot be covered yet.
     */
    private void markerWritten() throws SQLException {
        markersUntil = PgOffset.parseLsn(single("SELECT pg_current_wal_lsn()::text"));
        if (decoder != null) {
            decoder.rereadOwed(true);
        }
    }

    /** Clears the owed re-read once the stream has passed the last marker written and no read is under way. */
    private void checkMarkersPassed() {
        PgOffset at = decoder == null ? null : decoder.rawPosition();
        if (markersUntil > 0 && at != null && at.lsn() >= markersUntil && addedTable == null
                && pendingTable == null) {
            markersUntil = 0;
            decoder.rereadOwed(false);
        }
    }

    private static FatalException schemaChangeFailure(TableId table, String change) {
        return new FatalException("the columns of table " + table + " changed (" + change + "): rows no change"
                + " event mentions may hold other values in the source than in the sinks, and the source is built"
                + " with schemaChanges(SchemaChanges.FAIL). Fix: re-snapshot (delete the pipeline's stored"
                + " offset), or build the source with schemaChanges(SchemaChanges.REREAD) (CLI: --schema-changes"
                + " reread) and restart, so the"
                + " table is read again.");
    }

    /** The stream reached a chunk's high watermark: everything before the message is delivered; its position. */
    private PgOffset reached(PgOutputDecoder.Watermark watermark) {
        if (watermark.transactional()) {
            decoder.reachedWatermark(watermark.endLsn());
        } else {
            decoder.keepalive(watermark.endLsn());
        }
        PgOffset h = decoder.position();
        return h != null ? h : PgOffset.stream(watermark.endLsn(), 0);
    }

    /** Confirms to the server what the pipeline made durable: only whole transactions (see PgOffset). */
    private void sendConfirmation() throws SQLException {
        PgOffset offset = toConfirm.get();
        if (offset == null || offset.snapshot() || offset.lsn() <= confirmedLsn) {
            return;
        }
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(offset.lsn());
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        stream.forceUpdateStatus();
        confirmedLsn = offset.lsn();
    }

    private void heartbeat() throws SQLException {
        if (System.nanoTime() < nextHeartbeat) {
            return;
        }
        try (Statement s = metadata.createStatement()) {
            s.execute("SELECT pg_logical_emit_message(false, 'sluice-heartbeat', '')");
        }
        nextHeartbeat = System.nanoTime() + config.heartbeatInterval().toNanos();
    }

    @Override
    public Offset position() {
        if (rereadAt != null) {
            PgOffset decoded = decoder == null ? null : decoder.position();
            if (addedTable != null || decoded == null || decoded.lsn() <= rereadMarker) {
                return rereadAt; // a table read at a marker: not past it before the stream passed the marker
            }
            rereadAt = null;
        }
        if (decoder == null) {
            return base;
        }
        PgOffset decoded = decoder.position();
        // before the stream decoded anything, a resume's position carries the snapshot progress as it is now
        return decoded != null ? decoded
                : base == null ? null : base.withProgress(decoder.progress()).withBackfills(decoder.backfills());
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public void committed(Offset offset) {
        toConfirm.set((PgOffset) offset);
    }

    /** For tests: {@code hook} runs inside each incremental snapshot chunk's window, after its read. */
    void afterChunkRead(IncrementalSnapshot.Hook hook) {
        incremental.afterRead(hook);
    }

    /** For tests: the incremental snapshot's windows opened and chunks read by this session. */
    long[] snapshotReads() {
        return incremental.reads();
    }

    /** The last LSN confirmed to the server; for tests. */
    long confirmedLsn() {
        return confirmedLsn;
    }

    @Override
    public void close() {
        closed = true;
        if (keepAlive != null) {
            keepAlive.close();
        }
        if (health != null) {
            health.close();
        }
        if (snapshot != null) {
            snapshot.close();
        }
        if (addedTable != null) {
            addedTable.close();
        }
        if (incremental != null) {
            incremental.close();
        }
        if (backfills != null) {
            backfills.close();
        }
        // closing the connection ends the COPY at once; PGReplicationStream.close() would wait for the server
        closeQuietly(replication);
        closeQuietly(metadata);
    }

    private String single(String sql) throws SQLException {
        try (Statement s = metadata.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // already broken: nothing to release
        }
    }
}

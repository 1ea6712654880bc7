package dev.sluice.capture;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trigger capture: reads the change table in sequence order up to the {@link SequenceHorizon}, decodes the row
 * images with the tables' schemas, and deletes what is committed. {@link #committed(Offset)} may come from another
 * thread: it only records the offset, and the next poll deletes.
 *
 * <h2>Column changes</h2>
 * The offset remembers each table's columns as the targets have them ({@link TableShape}). When a table's columns
 * differ (seen when the stream opens, every few seconds while it runs, or at a change whose image does not fit),
 * the table is read again ({@link SchemaChanges#REREAD}) before anything after the cursor {@code C} is delivered:
 * a TRUNCATE event, then every row as READ events ({@link TableReread}), then the change table from {@code C} on,
 * passing over the table's changes up to {@code H}, the horizon taken just before the re-read. Why every key ends
 * right:
 * <ul>
 *   <li>changes up to {@code C} were all committed before the re-read started (C is at or below a horizon), so
 *       the rows read contain them, and they were delivered before the TRUNCATE;</li>
 *   <li>changes of the table in {@code (C, H]} were committed before the re-read started too ({@code H} was a
 *       horizon then: every transaction holding such a value had ended), so the rows read, at any later moment,
 *       already contain them: passing over them loses nothing. Among them are the changes recorded in the old
 *       columns (an ALTER waits for the transactions that changed the table, and the sequence only grows), which
 *       could not be decoded in the new ones;</li>
 *   <li>changes after {@code H} are delivered after the rows read, in sequence order, which for one row is the
 *       order of its writes (a row lock orders them). A row's last change after {@code H} sets it last, whether the
 *       read saw its effect or not; a row with none keeps what the read saw, which is its state after all its
 *       changes up to {@code H}.</li>
 * </ul>
 * The offset keeps the old columns until the last row was read, so a crash during the re-read repeats it; then it
 * records the new columns, the re-read count and {@code H}, so a restart still passes over those changes.
 *
 * <h2>Initial load</h2>
 * With {@link JdbcCaptureSource#initialLoad} every table new to the offset (none of its columns in it) is read the
 * same way before the change table goes on: at a first start every table, later a table that got its triggers or
 * joined the filter (at a restart, or while the stream runs). The same proof holds: none of the table's changes
 * after {@code C} was delivered before the TRUNCATE, and those up to {@code C} are in the rows read. Such a table
 * enters the offset only when its last row was read, so a crash during its load repeats the load. The offset
 * forgets the tables the filter no longer chooses (their changes are passed over), so one that comes back is new.
 * Without an initial load a new table's columns enter the offset at once and its rows are not read (logged).
 */
final class TriggerStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerStream.class);
    /** How often the captured tables are looked at again (new tables, lost triggers, truncates). */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    /** How often the captured tables' columns are read again (a query per table). */
    private static final Duration COLUMN_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final JdbcCaptureSource source;
    private final Connection connection;
    private final ChangeTable changeTable;
    private final Map<TableId, Schema> schemas;
    private final TableWatch watch;
    private long nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
    private long nextColumnCheckNanos = System.nanoTime() + COLUMN_CHECK_INTERVAL.toNanos();
    private final Clock clock;
    /** What the targets have of each table's columns (see the class description); replaced, never changed. */
    private Map<TableId, TableShape> shapes;
    /** Tables to read again before the change table is read further. */
    private final Set<TableId> owed = new LinkedHashSet<>();
    /** Of those, the tables of the initial load ({@link JdbcCaptureSource#initialLoad}), not of a column change. */
    private final Set<TableId> firstReads = new HashSet<>();
    /** Set while the first start without an initial load notes its tables, which one line has named already. */
    private boolean quietFirstLook;
    /** The re-read under way, or null. */
    private TableReread reread;
    /** Set by {@code event} for a change whose table must be read again first. */
    private boolean rereadFirst;
    private final SequenceHorizon horizon;
    private final StallWarning stall;
    private final String readQuery;
    private final String pruneQuery;
    private final String countQuery;
    private long cursor;
    /** Whether the change table was read (or an offset given): before that, there is no position to commit. */
    private boolean readAnything;
    private volatile long committed;
    private long pruned;
    private long nextRoundNanos = System.nanoTime();

    private TriggerStream(JdbcCaptureSource source, Connection connection, ChangeTable changeTable,
            TableWatch watch, Map<TableId, Schema> schemas, TriggerOffset from, Clock clock) {
        this.source = source;
        this.watch = watch;
        this.connection = connection;
        this.changeTable = changeTable;
        this.schemas = schemas;
        this.cursor = from == null ? 0 : from.seq();
        this.readAnything = from != null;
        this.clock = clock;
        // a table that left the filter is forgotten: changes were passed over while it was out, so if it comes
        // back it is new to the targets again (read whole with an initial load)
        this.shapes = from == null ? Map.of() : Map.copyOf(from.shapes().entrySet().stream()
                .filter(e -> source.tables.test(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        if (from == null && !source.initialLoad) {
            if (!schemas.isEmpty()) {
                LOG.info("trigger capture starts without an initial load: the rows {} hold now are not read, only "
                        + "the changes their triggers record (build the source with initialLoad(true), or a log "
                        + "source's SnapshotMode.INCREMENTAL, to read them)", schemas.keySet().stream()
                        .sorted(SnapshotProgress.ORDER).toList());
            }
            quietFirstLook = true;
        }
        noteShapes();
        quietFirstLook = false;
        this.committed = cursor;
        this.pruned = 0;
        this.horizon = new SequenceHorizon(source.dialect, changeTable, source.safetyWindow, cursor);
        this.stall = new StallWarning(source.dialect, clock, "trigger capture from " + changeTable.table());
        CaptureDialect d = source.dialect;
        String table = d.qualify(changeTable.table());
        this.readQuery = "SELECT " + d.quote("seq") + ", " + d.quote("op") + ", " + d.quote("table_schema") + ", "
                + d.quote("table_name") + ", " + d.quote("tx") + ", " + d.quote("changed_at_us") + ", "
                + d.quote("before_image") + ", " + d.quote("after_image") + " FROM " + table + " WHERE "
                + d.quote("seq") + " > ? AND " + d.quote("seq") + " <= ? ORDER BY " + d.quote("seq") + " LIMIT "
                + source.batchSize;
        this.pruneQuery = d.pruneChanges(changeTable);
        this.countQuery = "SELECT COUNT(*) FROM " + table + " WHERE " + d.quote("seq") + " > ? AND "
                + d.quote("seq") + " <= ?";
    }

    static TriggerStream open(JdbcCaptureSource source, Connection connection, TriggerOffset from,
            PipelineContext context) {
        try {
            ChangeTable changeTable = source.changeTable(connection);
            if (source.dialect.schema(connection, changeTable.table()) == null) {
                throw new FatalException("the change table " + changeTable.table() + " does not exist: install "
                        + "trigger capture first (JdbcCaptureSource.install(), or the CLI's install command)");
            }
            TableWatch watch = new TableWatch(source, changeTable, from == null ? Set.of() : from.shapes().keySet());
            return new TriggerStream(source, connection, changeTable, watch, watch.open(connection), from,
                    context.clock());
        } catch (SQLException e) {
            throw Sql.failure("opening trigger capture", e);
        }
    }

    /**
     * The last sequence value handed out, or null while none ever was (the triggers never fired): then there is
     * nothing to catch up with, and a target of sequence 0 could never be reached, since nothing is ever read.
     */
    @Override
    public Offset head() {
        try {
            long last = source.dialect.lastSequence(connection, changeTable);
            if (!owed.isEmpty()) {
                // the run must also deliver the re-reads owed now: one more than the offset has, for each
                Map<TableId, TableShape> required = new HashMap<>();
                for (TableId table : owed) {
                    TableShape known = shapes.get(table);
                    required.put(table, new TableShape("", known == null ? 1 : known.rereads() + 1, 0));
                }
                return new TriggerOffset(last, required);
            }
            return last > 0 ? new TriggerOffset(last) : null;
        } catch (SQLException e) {
            throw Sql.failure("reading the change table's sequence", e);
        }
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        try {
            prune();
            long wait = nextRoundNanos - System.nanoTime();
            if (wait > 0) {
                long sleep = Math.min(wait, timeout.toNanos());
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                if (sleep < wait) {
                    return List.of();
                }
            }
            if (System.nanoTime() - nextWatchNanos >= 0) {
                watch.check(connection, schemas);
                noteShapes();
                nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
            }
            if (System.nanoTime() - nextColumnCheckNanos >= 0) {
                checkColumns();
                nextColumnCheckNanos = System.nanoTime() + COLUMN_CHECK_INTERVAL.toNanos();
            }
            long upTo = horizon.advance(connection);
            stall.observe(horizon.holding(), connection);
            // everything up to the cursor is read once the horizon has been looked at, even when it had nothing
            // new: an idle change table still has a position to commit (and to report caught up with)
            readAnything = true;
            if (reread != null || !owed.isEmpty()) {
                nextRoundNanos = System.nanoTime();
                return reread(upTo);
            }
            List<ChangeEvent> events = new ArrayList<>();
            int rows = 0;
            boolean stopped = false;
            if (upTo > cursor) {
                try (PreparedStatement statement = connection.prepareStatement(readQuery)) {
                    statement.setLong(1, cursor);
                    statement.setLong(2, upTo);
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            cursor = rs.getLong(1);
                            ChangeEvent event = event(rs);
                            if (rereadFirst) {
                                rereadFirst = false;
                                // the table is read again before this change, which the re-read then covers
                                cursor--;
                                stopped = true;
                                break;
                            }
                            if (event != null) {
                                events.add(event);
                            }
                        }
                    }
                }
                if (stopped) {
                    nextRoundNanos = System.nanoTime();
                    return events;
                }
                if (rows < source.batchSize) {
                    // everything up to the horizon is read: gaps (rolled back changes) are passed over too
                    cursor = upTo;
                }
            }
            boolean drained = rows < source.batchSize;
            nextRoundNanos = drained ? System.nanoTime() + source.pollInterval.toNanos() : System.nanoTime();
            return events;
        } catch (SQLException e) {
            throw Sql.failure("reading the change table " + changeTable.table(), e);
        }
    }

    private ChangeEvent event(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        String op = rs.getString(2);
        TableId table = TableId.of(rs.getString(3), rs.getString(4));
        if (!schemas.containsKey(table)) {
            if (!source.tables.test(table)) {
                // triggers left on a table the filter no longer chooses: not captured, like any other table
                LOG.debug("passing over change {} of {}, which is not captured", seq, table);
                return null;
            }
            // a table that got its triggers since the last look
            Schema schema = source.dialect.schema(connection, table);
            if (schema == null) {
                throw new FatalException("change " + seq + " in " + changeTable.table() + " is of " + table + ", "
                        + "which matches the table filter but no longer exists, so its columns are unknown and the "
                        + "change cannot be decoded. Fix: create the table again as it was, let capture pass the "
                        + "change, and drop it; or leave it out of the filter, which passes over its changes");
            }
            schemas.put(table, schema);
            noteShapes();
        }
        TableShape shape = shapes.get(table);
        if (shape != null && seq <= shape.coveredTo()) {
            return null; // in the table's last re-read (see the class description)
        }
        if (owed.contains(table)) {
            rereadFirst = true;
            return null;
        }
        String tx = rs.getString(5);
        long micros = rs.getLong(6);
        String beforeImage = rs.getString(7);
        String afterImage = rs.getString(8);
        Op kind = switch (op) {
            case "I" -> Op.INSERT;
            case "U" -> Op.UPDATE;
            case "D" -> Op.DELETE;
            case "T" -> Op.TRUNCATE;
            default -> throw new FatalException("change " + seq + " in " + changeTable.table()
                    + " has an unknown operation '" + op + "': was the change table written by something else?");
        };
        Schema schema = schemas.get(table);
        Row before = null;
        Row after = null;
        try {
            before = beforeImage == null || kind == Op.INSERT ? null : decode(beforeImage, table, schema);
            after = afterImage == null || kind == Op.DELETE ? null : decode(afterImage, table, schema);
        } catch (RowImages.Mismatch mismatch) {
            return misfit(seq, table, mismatch.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return misfit(seq, table, e.getMessage(), e);
        }
        Instant time = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000L);
        return ChangeEvent.builder(kind, table, schema).before(before).after(after)
                .offset(new TriggerOffset(seq, shapes)).commitTime(time).transactionId(tx).build();
    }

    /**
     * A change whose image does not fit the columns the stream decodes its table in: recorded in other columns
     * (before an ALTER, or by triggers that predate one), or a value of another type. The table is read again first,
     * which covers the change (it is committed: it is below the horizon); with {@link SchemaChanges#FAIL}, stops.
     */
    private ChangeEvent misfit(long seq, TableId table, String problem, IllegalArgumentException cause)
            throws SQLException {
        Schema now = source.dialect.schema(connection, table);
        boolean changed = now != null && !now.equals(schemas.get(table));
        if (cause != null && !changed) {
            throw new FatalException("change " + seq + " in " + changeTable.table() + " cannot be decoded: "
                    + problem, cause);
        }
        if (source.schemaChanges == SchemaChanges.FAIL || now == null) {
            throw new FatalException("change " + seq + " of " + table + " in " + changeTable.table()
                    + " does not fit the table's columns (" + problem + "). The table was altered after the change "
                    + "was recorded, or its triggers predate the alteration: drain the change table before altering "
                    + "a captured table, and run install() again after altering it; or build the source with "
                    + "schemaChanges(SchemaChanges.REREAD) (CLI: --schema-changes reread), which reads the table "
                    + "again");
        }
        if (!changed) {
            LOG.warn("change {} of {} was recorded in other columns than the table has ({}): its triggers predate an "
                    + "ALTER TABLE. Reading the table again, which covers it; run install() again after altering a "
                    + "captured table, or every such change costs a re-read", seq, table, problem);
        }
        schemas.put(table, now);
        owed.add(table);
        rereadFirst = true;
        return null;
    }

    /**
     * Handles the tables new to the offset (no shape in it: a first start, a table that got its triggers or joined
     * the filter since, a load a crash interrupted), and marks those whose columns differ from the targets' as owed.
     * With an initial load a new table is owed a first read, and gets its shape only once that read is done, so a
     * crash during it repeats it; without one its columns now are what the targets get, and its rows are not read.
     */
    private void noteShapes() {
        Map<TableId, TableShape> next = null;
        List<TableId> fresh = new ArrayList<>();
        for (Map.Entry<TableId, Schema> e : schemas.entrySet()) {
            TableShape known = shapes.get(e.getKey());
            boolean reading = reread != null && reread.table.equals(e.getKey());
            if (known == null && source.initialLoad) {
                if (!reading && !owed.contains(e.getKey())) {
                    fresh.add(e.getKey());
                }
            } else if (known == null) {
                next = next == null ? new HashMap<>(shapes) : next;
                next.put(e.getKey(), TableShape.first(e.getValue()));
                if (!quietFirstLook) {
                    LOG.info("trigger capture captures {} from now on, from the changes its triggers record: the rows "
                            + "it holds now are not read, as the source has no initial load (build it with "
                            + "initialLoad(true), or a log source's SnapshotMode.INCREMENTAL, to read a table when it "
                            + "starts being captured; backfills are not available for trigger capture)", e.getKey());
                }
            } else if (!known.fits(e.getValue()) && !reading) {
                owed.add(e.getKey());
            }
        }
        if (next != null) {
            shapes = Map.copyOf(next);
        }
        // the initial load of new tables: each read as after a column change, in snapshot order (class javadoc)
        fresh.sort(SnapshotProgress.ORDER);
        owed.addAll(fresh);
        firstReads.addAll(fresh);
    }

    /** Reads the captured tables' columns again, so a change no image shows (a type) is seen too. */
    private void checkColumns() throws SQLException {
        for (Map.Entry<TableId, Schema> e : schemas.entrySet()) {
            Schema now = source.dialect.schema(connection, e.getKey());
            if (now != null && !now.equals(e.getValue())) {
                e.setValue(now);
            }
        }
        noteShapes();
    }

    /**
     * One step of the owed re-reads (see the class description): starts the next (a TRUNCATE event, and {@code H}
     * = {@code upTo}, the horizon just taken), or reads its next chunk; after the last, records the new columns.
     */
    private List<ChangeEvent> reread(long upTo) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>();
        Offset at = new TriggerOffset(cursor, shapes);
        if (reread == null) {
            TableId table = owed.iterator().next();
            owed.remove(table);
            Schema schema = schemas.get(table);
            if (schema == null) {
                return events;
            }
            boolean first = firstReads.remove(table);
            if (source.schemaChanges == SchemaChanges.FAIL && !first) {
                throw ColumnChange.failure(table, schema, "trigger");
            }
            if (first) {
                LOG.info("initial load of {}: a TRUNCATE event, then every row in key order", table);
            } else {
                LOG.info("the columns of {} changed ({} now): reading it again (a TRUNCATE event, then every row)",
                        table, TableShape.describe(schema));
            }
            reread = new TableReread(source, table, schema, upTo);
            events.add(ChangeEvent.builder(Op.TRUNCATE, table, schema).offset(at).commitTime(clock.instant())
                    .build());
        }
        events.addAll(reread.next(connection, at, clock.instant()));
        if (reread.done()) {
            Map<TableId, TableShape> next = new HashMap<>(shapes);
            TableShape known = shapes.get(reread.table);
            next.put(reread.table, known == null ? TableShape.first(reread.schema).reread(reread.schema,
                    reread.coveredTo) : known.reread(reread.schema, reread.coveredTo));
            shapes = Map.copyOf(next);
            LOG.info(known == null ? "loaded {}; its changes up to {} are in what was read"
                    : "read {} again; its changes up to {} are in what was read", reread.table, reread.coveredTo);
            reread = null;
        }
        return events;
    }

    private Row decode(String image, TableId table, Schema schema) throws RowImages.Mismatch {
        return RowImages.decode(image, schema, table, source.dialect);
    }

    /**
     * Deletes the committed changes from the change table, on the capture thread. Every row up to a committed
     * offset is final (it was below the horizon), so counting them is a plain read, and the delete can stop after
     * exactly that many rows instead of waiting on the lock of an uncommitted row past the range.
     */
    private void prune() throws SQLException {
        long upTo = committed;
        if (upTo <= pruned) {
            return;
        }
        long rows;
        try (PreparedStatement statement = connection.prepareStatement(countQuery)) {
            statement.setLong(1, pruned);
            statement.setLong(2, upTo);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
            }
        }
        if (rows > 0) {
            try (PreparedStatement statement = connection.prepareStatement(pruneQuery)) {
                statement.setLong(1, pruned);
                statement.setLong(2, upTo);
                statement.setLong(3, rows);
                statement.executeUpdate();
            }
        }
        pruned = upTo;
    }

    @Override
    public Offset position() {
        return readAnything ? new TriggerOffset(cursor, shapes) : null;
    }

    @Override
    public void committed(Offset offset) {
        long seq = ((TriggerOffset) offset).seq();
        if (seq > committed) {
            committed = seq;
        }
    }

    @Override
    public void close() {
        Sql.closeQuietly(connection);
    }
}

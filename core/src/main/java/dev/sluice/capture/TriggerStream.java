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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trigger capture: reads the change table in sequence order up to the {@link SequenceHorizon}, decodes the row
 * images with the tables' schemas, and deletes what is committed. {@link #committed(Offset)} may come from another
 * thread: it only records the offset, and the next poll deletes.
 */
final class TriggerStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerStream.class);
    /** How often the captured tables are looked at again (new tables, lost triggers, truncates). */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    private final JdbcCaptureSource source;
    private final Connection connection;
    private final ChangeTable changeTable;
    private final Map<TableId, Schema> schemas;
    private final TableWatch watch;
    private long nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
    private final SequenceHorizon horizon;
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
            TableWatch watch, Map<TableId, Schema> schemas, TriggerOffset from) {
        this.source = source;
        this.watch = watch;
        this.connection = connection;
        this.changeTable = changeTable;
        this.schemas = schemas;
        this.cursor = from == null ? 0 : from.seq();
        this.readAnything = from != null;
        this.committed = cursor;
        this.pruned = 0;
        this.horizon = new SequenceHorizon(source.dialect, changeTable, source.safetyWindow, cursor);
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
            TableWatch watch = new TableWatch(source, changeTable);
            return new TriggerStream(source, connection, changeTable, watch, watch.open(connection), from);
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
                nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
            }
            long upTo = horizon.advance(connection);
            // everything up to the cursor is read once the horizon has been looked at, even when it had nothing
            // new: an idle change table still has a position to commit (and to report caught up with)
            readAnything = true;
            List<ChangeEvent> events = new ArrayList<>();
            int rows = 0;
            if (upTo > cursor) {
                try (PreparedStatement statement = connection.prepareStatement(readQuery)) {
                    statement.setLong(1, cursor);
                    statement.setLong(2, upTo);
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            cursor = rs.getLong(1);
                            ChangeEvent event = event(rs);
                            if (event != null) {
                                events.add(event);
                            }
                        }
                    }
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
        } catch (RowImages.Mismatch first) {
            schema = source.dialect.schema(connection, table);
            schemas.put(table, schema);
            try {
                before = beforeImage == null || kind == Op.INSERT ? null : decode(beforeImage, table, schema);
                after = afterImage == null || kind == Op.DELETE ? null : decode(afterImage, table, schema);
            } catch (RowImages.Mismatch again) {
                throw new FatalException("change " + seq + " of " + table + " in " + changeTable.table()
                        + " does not fit the table's columns (" + again.getMessage() + "). The table was altered "
                        + "after the change was recorded, or its triggers predate the alteration: drain the change "
                        + "table before altering a captured table, and run install() again after altering it");
            }
        } catch (IllegalArgumentException e) {
            throw new FatalException("change " + seq + " in " + changeTable.table() + " cannot be decoded: "
                    + e.getMessage(), e);
        }
        Instant time = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000L);
        return ChangeEvent.builder(kind, table, schema).before(before).after(after)
                .offset(new TriggerOffset(seq)).commitTime(time).transactionId(tx).build();
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
        return readAnything ? new TriggerOffset(cursor) : null;
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

package dev.sluice.capture;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timestamp capture: polls every table for rows after its (timestamp, key) cursor and below the watermark. Looks
 * at the table list again every second: a table created under the filter is polled from its first row, and a table
 * replaced under the same name (dropped and created again; on MySQL/MariaDB also truncated or rebuilt) is read
 * again from its first row, since its rows may carry timestamps before the old cursor. Used by one capture thread;
 * {@link #committed(Offset)} has nothing to release.
 */
final class TimestampStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(TimestampStream.class);
    /** How often the table list is read again. */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    /** How often the captured tables' columns are read again (a query per table). */
    private static final Duration COLUMN_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final JdbcCaptureSource source;
    private final Connection connection;
    private final List<TableReader> tables;
    private final Map<TableId, Long> identities = new HashMap<>();
    private long nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
    private long nextColumnCheckNanos = System.nanoTime() + COLUMN_CHECK_INTERVAL.toNanos();
    /** Tables whose columns differ from those the targets have: read again at the next poll. */
    private final Set<TableId> owed = new LinkedHashSet<>();
    private final Clock clock;
    private final StallWarning stall;
    private TimestampOffset offset;
    /** What {@link #head()} reported; null once the stream has passed it. */
    private TimestampOffset target;
    private boolean readAnything;
    private long nextRoundNanos = System.nanoTime();

    private TimestampStream(JdbcCaptureSource source, Connection connection, List<TableReader> tables,
            TimestampOffset from, Clock clock) {
        this.source = source;
        this.connection = connection;
        this.tables = tables;
        this.clock = clock;
        this.stall = new StallWarning(source.dialect, clock, "timestamp capture");
        this.offset = from == null ? TimestampOffset.empty() : from;
        this.readAnything = from != null;
    }

    static TimestampStream open(JdbcCaptureSource source, Connection connection, TimestampOffset from,
            PipelineContext context) {
        try {
            TimestampStream stream = new TimestampStream(source, connection, new ArrayList<>(), from,
                    context.clock());
            stream.watch();
            return stream;
        } catch (SQLException e) {
            throw Sql.failure("reading the captured tables' schemas", e);
        }
    }

    /**
     * The newest row of every table stamped before the database's clock (plus the clock skew margin), whatever the
     * watermark: every row committed before this call is at or before it in its table's (timestamp, key) order, so
     * an offset that covers it has read them all. (A target read below the watermark would be too low whenever the
     * watermark lags, as it does when it falls back to the safety window: the run would end before rows committed
     * just before it started.) The target is reached once the watermark passes it: later, never early. Rows stamped
     * further ahead ({@code infinity}, a clock running ahead) are read whenever the watermark passes them, as
     * always, and do not hold the run back.
     */
    @Override
    public Offset head() {
        try {
            Watermark now = source.dialect.now(connection, source.clockSkewMargin);
            TimestampOffset head = TimestampOffset.empty();
            boolean any = false;
            for (TableReader table : tables) {
                List<Object> last = table.newest(connection, now);
                if (last != null) {
                    head = head.with(table.id, last);
                    any = true;
                }
            }
            if (!owed.isEmpty()) {
                // the run must also deliver the re-reads owed now: one more than the offset has, for each
                Map<TableId, TableShape> required = new HashMap<>();
                for (TableId table : owed) {
                    TableShape known = offset.shape(table);
                    required.put(table, new TableShape("", known == null ? 1 : known.rereads() + 1, 0));
                }
                head = new TimestampOffset(head.cursors(), required);
                any = true;
            }
            target = any ? head : null;
            return target;
        } catch (SQLException e) {
            throw Sql.failure("reading the newest rows", e);
        }
    }

    /** True if every row the target points at lies below the watermark, so reading below it read up to them. */
    private boolean targetBelow(Watermark watermark) {
        for (TableReader table : tables) {
            List<Object> cursor = target.cursor(table.id);
            if (cursor != null && !table.below(cursor.get(0), watermark)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        long wait = nextRoundNanos - System.nanoTime();
        if (wait > 0) {
            long sleep = Math.min(wait, timeout.toNanos());
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            if (sleep < wait) {
                return List.of();
            }
        }
        try {
            if (System.nanoTime() - nextWatchNanos >= 0) {
                watch();
                nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
            }
            if (System.nanoTime() - nextColumnCheckNanos >= 0) {
                checkColumns();
                nextColumnCheckNanos = System.nanoTime() + COLUMN_CHECK_INTERVAL.toNanos();
            }
            List<ChangeEvent> truncates = reread();
            if (!truncates.isEmpty()) {
                return truncates;
            }
            Watermark watermark = watermark();
            // an exact watermark that stays put is held by an open transaction (an inexact one follows the clock)
            stall.observe(watermark.exact() ? watermark.instant() : null, connection);
            List<ChangeEvent> events = new ArrayList<>();
            boolean drained = true;
            for (TableReader table : tables) {
                int before = events.size();
                offset = table.read(connection, offset, watermark, events, clock);
                drained &= events.size() - before < source.batchSize;
            }
            if (!events.isEmpty()) {
                readAnything = true;
            }
            if (drained && target != null && targetBelow(watermark)) {
                // every row below the watermark is read now, and the rows the head pointed at lie below it, so none
                // of them is still to come: one deleted (or its table dropped) since would otherwise keep a catch-up
                // run waiting for it forever. Raising the cursors to it skips nothing: every row at or before a
                // target cursor is below the watermark, and no row below the watermark can still appear
                offset = offset.atLeast(target);
                target = null;
                readAnything = true;
            }
            nextRoundNanos = drained ? System.nanoTime() + source.pollInterval.toNanos() : System.nanoTime();
            return events;
        } catch (SQLException e) {
            throw Sql.failure("polling for changed rows", e);
        }
    }

    /** Reads the table list: new tables get a reader, replaced ones lose their cursor. */
    private void watch() throws SQLException {
        // a trigger change table in the same database is never a table to poll
        List<TableId> chosen = source.capturedTables(connection, source.changeTableIfAny(connection));
        List<TableId> known = tables.stream().map(t -> t.id).toList();
        for (TableId table : chosen) {
            if (!known.contains(table)) {
                Schema schema = source.dialect.schema(connection, table);
                if (schema != null) {
                    tables.add(new TableReader(source, table, schema));
                    noteShape(table, schema);
                    if (!identities.isEmpty()) {
                        LOG.info("timestamp capture now polls {}, from its first row", table);
                    }
                }
            }
        }
        tables.removeIf(t -> !chosen.contains(t.id));
        for (Map.Entry<TableId, Long> e : source.dialect.tableIdentities(connection, chosen).entrySet()) {
            Long was = identities.put(e.getKey(), e.getValue());
            if (was != null && !was.equals(e.getValue()) && offset.cursor(e.getKey()) != null) {
                LOG.info("{} was replaced (dropped and created again, truncated or rebuilt): reading it again from "
                        + "its first row", e.getKey());
                offset = offset.without(e.getKey());
            }
        }
    }

    /**
     * A table the stream reads from now on: if the offset knows other columns for it than it has now, the targets
     * hold its rows in those, and it is owed a re-read; if the offset knows nothing of it (a new table, or an offset
     * from before shapes were kept), its columns now are taken as the targets'.
     */
    private void noteShape(TableId table, Schema schema) {
        TableShape known = offset.shape(table);
        if (known == null) {
            offset = offset.withShape(table, TableShape.first(schema));
        } else if (!known.fits(schema)) {
            owed.add(table);
        }
    }

    /** Reads the captured tables' columns again; a table whose columns changed gets a new reader and a re-read. */
    private void checkColumns() throws SQLException {
        for (int i = 0; i < tables.size(); i++) {
            TableReader reader = tables.get(i);
            Schema now = source.dialect.schema(connection, reader.id);
            if (now != null && !now.equals(reader.schema)) {
                tables.set(i, new TableReader(source, reader.id, now));
                noteShape(reader.id, now);
            }
        }
    }

    /**
     * The re-reads owed: per table a TRUNCATE event whose offset has no cursor for it and its new columns, so the
     * table is read from its first row from then on (as upserts). A crash before the event is committed leaves the
     * old columns in the offset, so the next stream owes the re-read again; after, it reads the table from its
     * first row. With {@link SchemaChanges#FAIL}, stops instead.
     */
    private List<ChangeEvent> reread() {
        List<ChangeEvent> events = new ArrayList<>();
        for (TableId table : owed) {
            TableReader reader = tables.stream().filter(t -> t.id.equals(table)).findFirst().orElse(null);
            if (reader == null) {
                continue; // no longer captured
            }
            TableShape known = offset.shape(table);
            if (source.schemaChanges == SchemaChanges.FAIL) {
                throw ColumnChange.failure(table, reader.schema, "timestamp");
            }
            LOG.info("the columns of {} changed ({} now): reading it again from its first row, after a TRUNCATE "
                    + "event", table, TableShape.describe(reader.schema));
            TableShape next = known == null ? TableShape.first(reader.schema) : known.reread(reader.schema, 0);
            offset = offset.without(table).withShape(table, next);
            events.add(ChangeEvent.builder(Op.TRUNCATE, table, reader.schema).offset(offset)
                    .commitTime(clock.instant()).build());
        }
        owed.clear();
        if (!events.isEmpty()) {
            readAnything = true;
        }
        return events;
    }

    private Watermark watermark() throws SQLException {
        return source.dialect.watermark(connection, source.clockSkewMargin, source.safetyWindow);
    }

    @Override
    public Offset position() {
        return readAnything ? offset : null;
    }

    @Override
    public void committed(Offset offset) {
        // polling holds nothing back on the server
    }

    @Override
    public void close() {
        Sql.closeQuietly(connection);
    }

    /** Reads one table: its queries, its cursor columns. */
    static final class TableReader {
        private final TableId id;
        private final Schema schema;
        private final CaptureDialect dialect;
        private final int batchSize;
        private final int[] cursorColumns;
        private final int softDelete;
        private final String firstQuery;
        private final String nextQuery;
        private final String newestQuery;

        TableReader(JdbcCaptureSource source, TableId id, Schema schema) {
            this.id = id;
            this.schema = schema;
            this.dialect = source.dialect;
            this.batchSize = source.batchSize;
            int ts = schema.indexOf(source.timestampColumn);
            if (ts < 0) {
                throw new FatalException("table " + id + " has no column '" + source.timestampColumn + "' to poll "
                        + "on (its columns: " + names(schema) + "): add it, or leave the table out of the filter");
            }
            Type.Kind kind = schema.column(ts).type().kind();
            if (kind != Type.Kind.TIMESTAMP && kind != Type.Kind.TIMESTAMP_TZ) {
                throw new FatalException("column '" + source.timestampColumn + "' of " + id + " is a "
                        + schema.column(ts).type() + ", but timestamp capture needs a timestamp column");
            }
            if (!schema.hasKey()) {
                throw new FatalException("table " + id + " has no primary key, which timestamp capture needs to "
                        + "order rows sharing a timestamp: add one, or leave the table out of the filter");
            }
            int[] key = schema.keyIndexes();
            this.cursorColumns = new int[key.length + 1];
            cursorColumns[0] = ts;
            System.arraycopy(key, 0, cursorColumns, 1, key.length);
            this.softDelete = source.softDeleteColumn == null ? -1 : schema.indexOf(source.softDeleteColumn);
            if (source.softDeleteColumn != null && softDelete < 0) {
                throw new FatalException("table " + id + " has no soft-delete column '" + source.softDeleteColumn
                        + "' (its columns: " + names(schema) + "): add it, or leave the table out of the filter");
            }
            String from = " FROM " + dialect.qualify(id) + " t WHERE ";
            String image = "SELECT " + dialect.rowImage(id, schema, "t");
            String tsColumn = column(ts);
            String below = tsColumn + " < " + dialect.parameter(schema.column(ts));
            String order = cursorColumns().stream().collect(Collectors.joining(", "));
            String tuple = "(" + order + ")";
            String params = "(" + Arrays.stream(cursorColumns)
                    .mapToObj(i -> dialect.parameter(schema.column(i))).collect(Collectors.joining(", ")) + ")";
            this.firstQuery = image + from + below + " ORDER BY " + order + " LIMIT " + batchSize;
            this.nextQuery = image + from + tuple + " > " + params + " AND " + below + " ORDER BY " + order
                    + " LIMIT " + batchSize;
            String descending = cursorColumns().stream().map(c -> c + " DESC").collect(Collectors.joining(", "));
            this.newestQuery = image + from + below + " ORDER BY " + descending + " LIMIT 1";
        }

        private List<String> cursorColumns() {
            List<String> columns = new ArrayList<>();
            for (int i : cursorColumns) {
                columns.add(column(i));
            }
            return columns;
        }

        private String column(int index) {
            return "t." + dialect.quote(schema.column(index).name());
        }

        /** Reads the next batch after the table's cursor into {@code events}; returns the advanced offset. */
        TimestampOffset read(Connection connection, TimestampOffset offset, Watermark watermark,
                List<ChangeEvent> events, Clock clock) throws SQLException {
            List<Object> cursor = offset.cursor(id);
            String sql = cursor == null ? firstQuery : nextQuery;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int p = 1;
                if (cursor != null) {
                    for (int i = 0; i < cursorColumns.length; i++) {
                        Column column = schema.column(cursorColumns[i]);
                        dialect.bind(statement, p++, cursor.get(i), column);
                    }
                }
                bindWatermark(statement, p, watermark);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        Row row = decode(rs.getString(1));
                        List<Object> next = new ArrayList<>(cursorColumns.length);
                        for (int i : cursorColumns) {
                            next.add(row.get(i));
                        }
                        if (next.get(0) == null) {
                            // a zero date (MySQL) has no value: a cursor on it could never move on
                            throw new FatalException("a row of " + id + " (key " + next.subList(1, next.size())
                                    + ") has a timestamp in '" + schema.column(cursorColumns[0]).name() + "' that "
                                    + "has no date value (a zero date), so timestamp capture cannot order it. Fix: "
                                    + "set the column to a real time on that row (or to NULL, which is never "
                                    + "captured), then restart");
                        }
                        offset = offset.with(id, next);
                        events.add(event(row, offset, clock));
                    }
                }
            }
            return offset;
        }

        /** The cursor of the newest row stamped below {@code bound}, or null if the table has none. */
        List<Object> newest(Connection connection, Watermark bound) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(newestQuery)) {
                bindWatermark(statement, 1, bound);
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Row row = decode(rs.getString(1));
                    List<Object> cursor = new ArrayList<>();
                    for (int i : cursorColumns) {
                        cursor.add(row.get(i));
                    }
                    return cursor;
                }
            }
        }

        /** True if a value of the timestamp column is below the watermark (what a read below it includes). */
        boolean below(Object timestamp, Watermark watermark) {
            if (timestamp instanceof Instant instant) {
                return instant.isBefore(watermark.instant());
            }
            if (timestamp instanceof LocalDateTime local) {
                return local.isBefore(watermark.local());
            }
            return timestamp == null; // a NULL timestamp is never read, and never a target
        }

        private void bindWatermark(PreparedStatement statement, int index, Watermark watermark)
                throws SQLException {
            Column ts = schema.column(cursorColumns[0]);
            Object value = ts.type().kind() == Type.Kind.TIMESTAMP_TZ ? watermark.instant() : watermark.local();
            dialect.bind(statement, index, value, ts);
        }

        private Row decode(String json) {
            try {
                return RowImages.decode(json, schema, id, dialect);
            } catch (RowImages.Mismatch e) {
                throw new RetriableException("the columns of " + id + " changed while capturing ("
                        + e.getMessage() + "): reopening to read the new schema");
            }
        }

        private ChangeEvent event(Row row, TimestampOffset offset, Clock clock) {
            Object ts = row.get(cursorColumns[0]);
            Instant commitTime = ts instanceof Instant instant ? instant : clock.instant();
            Object deleted = softDelete < 0 ? null : row.get(softDelete);
            boolean isDelete = deleted != null && !Boolean.FALSE.equals(deleted);
            ChangeEvent.Builder event = ChangeEvent.builder(isDelete ? Op.DELETE : Op.UPDATE, id, schema);
            if (isDelete) {
                event.before(row);
            } else {
                event.after(row);
            }
            return event.offset(offset).commitTime(commitTime).build();
        }

        private static String names(Schema schema) {
            return schema.columns().stream().map(Column::name).toList().toString();
        }
    }
}

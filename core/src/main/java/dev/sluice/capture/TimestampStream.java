package dev.sluice.capture;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private final JdbcCaptureSource source;
    private final Connection connection;
    private final List<TableReader> tables;
    private final Map<TableId, Long> identities = new HashMap<>();
    private long nextWatchNanos = System.nanoTime() + WATCH_INTERVAL.toNanos();
    private final Clock clock;
    private TimestampOffset offset;
    /** What {@link #head()} reported and the watermark it was read below; null once the stream has passed it. */
    private TimestampOffset target;
    private Watermark targetWatermark;
    private boolean readAnything;
    private long nextRoundNanos = System.nanoTime();

    private TimestampStream(JdbcCaptureSource source, Connection connection, List<TableReader> tables,
            TimestampOffset from, Clock clock) {
        this.source = source;
        this.connection = connection;
        this.tables = tables;
        this.clock = clock;
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

    @Override
    public Offset head() {
        try {
            Watermark watermark = watermark();
            TimestampOffset head = TimestampOffset.empty();
            boolean any = false;
            for (TableReader table : tables) {
                List<Object> last = table.last(connection, watermark);
                if (last != null) {
                    head = head.with(table.id, last);
                    any = true;
                }
            }
            if (any) {
                target = head;
                targetWatermark = watermark;
            }
            return any ? head : null;
        } catch (SQLException e) {
            throw Sql.failure("reading the newest rows", e);
        }
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
            Watermark watermark = watermark();
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
            if (drained && target != null && !watermark.instant().isBefore(targetWatermark.instant())) {
                // every row below the watermark is read now, so no row the head pointed at is still to come: one
                // deleted (or its table dropped) since would otherwise keep a catch-up run waiting for it forever.
                // Raising the cursors to it skips nothing: no row below the watermark can still appear
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
        private final String lastQuery;

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
            String params = "(" + java.util.Arrays.stream(cursorColumns)
                    .mapToObj(i -> dialect.parameter(schema.column(i))).collect(Collectors.joining(", ")) + ")";
            this.firstQuery = image + from + below + " ORDER BY " + order + " LIMIT " + batchSize;
            this.nextQuery = image + from + tuple + " > " + params + " AND " + below + " ORDER BY " + order
                    + " LIMIT " + batchSize;
            String descending = cursorColumns().stream().map(c -> c + " DESC").collect(Collectors.joining(", "));
            this.lastQuery = image + from + below + " ORDER BY " + descending + " LIMIT 1";
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

        /** The cursor of the newest row below the watermark, or null if there is none. */
        List<Object> last(Connection connection, Watermark watermark) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(lastQuery)) {
                bindWatermark(statement, 1, watermark);
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
                throw new dev.sluice.RetriableException("the columns of " + id + " changed while capturing ("
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

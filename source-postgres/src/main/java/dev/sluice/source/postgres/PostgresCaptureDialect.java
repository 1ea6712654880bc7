package dev.sluice.source.postgres;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.capture.CaptureDialect;
import dev.sluice.capture.ChangeTable;
import dev.sluice.capture.Watermark;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL (13 or later) for {@link dev.sluice.capture.JdbcCaptureSource}: {@code to_jsonb} row images, a
 * PL/pgSQL trigger function per change table, the watermark from {@code pg_stat_activity}, and the
 * commit-order guard from transaction ids. Immutable and thread-safe.
 *
 * <p>Public so that a {@link dev.sluice.capture.JdbcCaptureSource} can be built directly ({@code
 * JdbcCaptureSource.builder(new PostgresCaptureDialect())}); {@code PostgresSource} uses it for
 * {@code Capture.TIMESTAMP} and {@code Capture.TRIGGER}.
 */
public final class PostgresCaptureDialect implements CaptureDialect {

    private static final String WATERMARK = "SELECT w, w::timestamp, exact FROM ("
            + "SELECT least(now(), o.oldest, CASE WHEN o.hidden OR p.prepared THEN now() - ? * interval "
            + "'1 microsecond' END) - ? * interval '1 microsecond' AS w, NOT (o.hidden OR p.prepared) AS exact "
            + "FROM (SELECT min(xact_start) AS oldest, "
            + "coalesce(bool_or(query = '<insufficient privilege>'), false) AS hidden "
            + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) o, "
            + "(SELECT count(*) > 0 AS prepared FROM pg_prepared_xacts WHERE database = current_database()) p) x";

    /** A dialect for PostgreSQL. */
    public PostgresCaptureDialect() {}

    @Override
    public String product() {
        return "PostgreSQL";
    }

    @Override
    public String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    @Override
    public ChangeTable defaultChangeTable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            return new ChangeTable(TableId.of(rs.getString(1), ChangeTable.DEFAULT_NAME));
        }
    }

    @Override
    public void prepare(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            // the row images' text forms, as the log source reads them
            for (String setting : PostgresCaptureValues.SETTINGS) {
                s.execute("SET " + setting);
            }
        }
    }

    @Override
    public List<TableId> tables(Connection connection, TableFilter filter) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
                        + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND n.nspname NOT LIKE 'pg\\_%' AND has_table_privilege(c.oid, 'SELECT') "
                        + "ORDER BY 1, 2")) {
            while (rs.next()) {
                TableId table = TableId.of(rs.getString(1), rs.getString(2));
                if (filter.test(table)) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    @Override
    public Schema schema(Connection connection, TableId table) throws SQLException {
        return PostgresCaptureSchemas.read(connection, table);
    }

    /** The row's text forms as a JSON object (see {@link PostgresCaptureValues}). */
    @Override
    public String rowImage(TableId table, Schema schema, String alias) {
        return PostgresCaptureValues.image(this, schema, alias) + "::text";
    }

    /**
     * Reads a column's text form with the log source's parser: {@code infinity} and {@code -infinity} become the
     * largest and smallest values of the Java type, as in log capture; numeric {@code NaN} and {@code Infinity}
     * stop capture with the log source's message.
     */
    @Override
    public Object decode(Object json, Column column) {
        try {
            return PostgresCaptureValues.decode(json, column);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("cannot read the value " + json + " of column '" + column.name()
                    + "' as " + column.type() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String parameter(Column column) {
        return column.sourceType() == null ? "?" : "CAST(? AS " + column.sourceType() + ")";
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, Column column) throws SQLException {
        if (value instanceof Instant instant) {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof java.util.UUID || value instanceof String) {
            statement.setString(index, value.toString());
        } else {
            statement.setObject(index, value);
        }
    }

    @Override
    public Watermark watermark(Connection connection, Duration margin, Duration safetyWindow) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(WATERMARK)) {
            ps.setLong(1, micros(safetyWindow));
            ps.setLong(2, micros(margin));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Watermark(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, LocalDateTime.class), rs.getBoolean(3));
            }
        }
    }

    @Override
    public Watermark now(Connection connection, Duration ahead) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT w, w::timestamp FROM (SELECT now() + ? * "
                + "interval '1 microsecond' AS w) x")) {
            ps.setLong(1, micros(ahead));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Watermark(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, LocalDateTime.class), true);
            }
        }
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    @Override
    public List<String> createChangeTable(ChangeTable changeTable) {
        return PostgresCaptureTriggers.createChangeTable(this, changeTable);
    }

    @Override
    public List<String> dropChangeTable(ChangeTable changeTable) {
        return PostgresCaptureTriggers.dropChangeTable(this, changeTable);
    }

    @Override
    public List<String> createTriggers(ChangeTable changeTable, TableId table, Schema schema) {
        return PostgresCaptureTriggers.createTriggers(this, changeTable, table, schema);
    }

    @Override
    public List<String> dropTriggers(ChangeTable changeTable, TableId table) {
        return PostgresCaptureTriggers.dropTriggers(this, changeTable, table);
    }

    /** Tables missing the row or the truncate trigger, or with one of them disabled. */
    @Override
    public List<TableId> tablesWithoutTriggers(Connection connection, ChangeTable changeTable, List<TableId> tables)
            throws SQLException {
        List<TableId> missing = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_catalog.pg_trigger t "
                + "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND t.tgname IN (?, ?) AND t.tgenabled <> 'D'")) {
            for (TableId table : tables) {
                ps.setString(1, table.namespace());
                ps.setString(2, table.name());
                ps.setString(3, PostgresCaptureTriggers.rowTrigger(changeTable));
                ps.setString(4, PostgresCaptureTriggers.truncateTrigger(changeTable));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) < 2) {
                        missing.add(table);
                    }
                }
            }
        }
        return missing;
    }

    /** The table's oid, which a re-created table does not keep (a truncate is recorded by its trigger). */
    @Override
    public Map<TableId, Long> tableIdentities(Connection connection, List<TableId> tables) throws SQLException {
        Map<TableId, Long> ids = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId table : tables) {
                ps.setString(1, table.namespace());
                ps.setString(2, table.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        ids.put(table, rs.getLong(1));
                    }
                }
            }
        }
        return ids;
    }

    /** A statement-level trigger records every {@code TRUNCATE} as a {@code T} change. */
    @Override
    public boolean recordsTruncate() {
        return true;
    }

    /** PostgreSQL's delete locks only the rows it deletes: the row count is not needed. */
    @Override
    public String pruneChanges(ChangeTable changeTable) {
        return "DELETE FROM " + qualify(changeTable.table()) + " WHERE seq > ? AND seq <= ? AND ?::bigint > 0";
    }

    @Override
    public long lastSequence(Connection connection, ChangeTable changeTable) throws SQLException {
        String sequence = qualify(PostgresCaptureTriggers.sequence(changeTable));
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A transaction id of our own, committed at once: every transaction that took a sequence value before it
     * took its own id first (the captured row's write needs one), so it has a smaller id.
     */
    @Override
    public long fence(Connection connection) throws SQLException {
        return single(connection, "SELECT pg_current_xact_id()::text::bigint");
    }

    /** The oldest transaction id still running anywhere on the server: every smaller one has ended. */
    @Override
    public long passedFence(Connection connection, Duration safetyWindow) throws SQLException {
        return single(connection, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** From {@code pg_stat_activity}; null if this user cannot see the other sessions' transactions. */
    @Override
    public String oldestTransaction(Connection connection) throws SQLException {
        String sql = "SELECT pid, datname, usename, client_addr, state, xact_start, "
                + "extract(epoch FROM now() - xact_start)::bigint, backend_xid, left(query, 200) "
                + "FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                + "ORDER BY xact_start LIMIT 1";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next() || "<insufficient privilege>".equals(rs.getString(9))) {
                return null;
            }
            return "pid " + rs.getLong(1) + " (SELECT pg_terminate_backend(" + rs.getLong(1) + ") ends it), database "
                    + rs.getString(2) + ", user " + rs.getString(3) + " from " + rs.getString(4) + ", state "
                    + rs.getString(5) + ", started " + rs.getString(6) + " (" + rs.getLong(7) + " s ago), xid "
                    + rs.getString(8) + ", last statement: " + rs.getString(9);
        }
    }

    @Override
    public String toString() {
        return "PostgresCaptureDialect";
    }
}

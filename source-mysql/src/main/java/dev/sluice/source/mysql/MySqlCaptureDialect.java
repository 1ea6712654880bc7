package dev.sluice.source.mysql;

import dev.sluice.Column;
import dev.sluice.Interval;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.capture.CaptureDialect;
import dev.sluice.capture.ChangeTable;
import dev.sluice.capture.JsonValues;
import dev.sluice.capture.Watermark;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL and MariaDB for {@link dev.sluice.capture.JdbcCaptureSource}: {@code JSON_OBJECT} row images generated
 * per table, triggers per table, and both the watermark and the commit-order guard from the oldest open
 * transaction in {@code information_schema.INNODB_TRX} (which needs {@code PROCESS}; without it, now minus the
 * safety window; see {@link MySqlCaptureTrxView}). Thread-safe; its state is the last INNODB_TRX reading, which
 * is reused for a moment, and whether a problem was already reported: use one instance per source.
 *
 * <p>Public so that a {@link dev.sluice.capture.JdbcCaptureSource} can be built directly ({@code
 * JdbcCaptureSource.builder(new MySqlCaptureDialect())}); {@code MySqlSource} uses it for {@code Capture.TIMESTAMP}
 * and {@code Capture.TRIGGER}.
 */
public final class MySqlCaptureDialect implements CaptureDialect {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlCaptureDialect.class);

    private final AtomicBoolean warned = new AtomicBoolean();
    private final AtomicBoolean staleWarned = new AtomicBoolean();
    private final AtomicBoolean idsWarned = new AtomicBoolean();
    private final AtomicBoolean triggersWarned = new AtomicBoolean();
    private final MySqlCaptureTrxView trx = new MySqlCaptureTrxView();

    /** A dialect for MySQL/MariaDB. */
    public MySqlCaptureDialect() {}

    @Override
    public String product() {
        return "MySQL/MariaDB";
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** A string literal, safe with or without {@code NO_BACKSLASH_ESCAPES} (which {@link #prepare} turns off). */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public ChangeTable defaultChangeTable(Connection connection) throws SQLException {
        String database = currentDatabase(connection);
        if (database == null) {
            throw new SQLException("the connection has no default database: name one in the JDBC URL, or set "
                    + "the change table with changeTable(TableId)", "42000");
        }
        return new ChangeTable(TableId.of(database, ChangeTable.DEFAULT_NAME));
    }

    private static String currentDatabase(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void prepare(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
        }
    }

    /** The tables the filter chooses; a filter without includes means the connection's own database. */
    @Override
    public List<TableId> tables(Connection connection, TableFilter filter) throws SQLException {
        String only = filter.includes().isEmpty() ? currentDatabase(connection) : null;
        List<TableId> tables = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                        + "AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') "
                        + "ORDER BY 1, 2")) {
            while (rs.next()) {
                TableId table = TableId.of(rs.getString(1), rs.getString(2));
                if ((only == null || only.equals(table.namespace())) && filter.test(table)) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    @Override
    public Schema schema(Connection connection, TableId table) throws SQLException {
        return MySqlCaptureSchemas.read(connection, table);
    }

    /**
     * {@code JSON_OBJECT} over the columns, each written so that it comes back exactly as the binlog source reads
     * it: binary strings, BIT and GEOMETRY as hex (never through a character set: raw bytes in a JSON text make
     * the writer's own INSERT fail), dates and times as the server's text (zero dates and TIME beyond ±24 h
     * included), TIMESTAMP as epoch seconds (no session time zone), FLOAT widened to DOUBLE (the server prints a
     * FLOAT with 6 digits), and every text explicitly in utf8mb4 (a trigger converts with the character set of the
     * session that created it, which may be utf8mb3 and turn 4-byte characters into {@code ?}).
     */
    @Override
    public String rowImage(TableId table, Schema schema, String alias) {
        StringJoiner pairs = new StringJoiner(", ", "JSON_OBJECT(", ")");
        for (Column column : schema.columns()) {
            pairs.add(literal(column.name()) + ", " + imageValue(column, alias + "." + quote(column.name())));
        }
        return pairs.toString();
    }

    private static String imageValue(Column column, String value) {
        String source = column.sourceType().toLowerCase(Locale.ROOT);
        return switch (column.type().kind()) {
            // 0 is the zero TIMESTAMP, which the binlog source reads as null (no valid TIMESTAMP is at 0)
            case TIMESTAMP_TZ -> "NULLIF(UNIX_TIMESTAMP(" + value + "), 0)";
            case BYTES -> {
                if (source.startsWith("geometry")) {
                    // stored as a 4-byte SRID and the WKB; the binlog source hands over the WKB
                    yield "SUBSTRING(HEX(" + value + "), 9)";
                }
                if (source.startsWith("bit(")) {
                    int bits = Integer.parseInt(source.substring(4, source.indexOf(')')));
                    yield "LPAD(HEX(CAST(" + value + " AS UNSIGNED)), " + 2 * ((bits + 7) / 8) + ", '0')";
                }
                yield "HEX(" + value + ")";
            }
            case BOOLEAN -> "CAST(" + value + " AS UNSIGNED)";
            case FLOAT32 -> "CAST(" + value + " AS DOUBLE)";
            case JSON, DATE, TIMESTAMP, INTERVAL -> "CAST(" + value + " AS CHAR CHARACTER SET utf8mb4)";
            case STRING, ENUM -> "CONVERT(" + value + " USING utf8mb4)";
            default -> value;
        };
    }

    /**
     * Reads what {@link #rowImage} wrote as the binlog source's values: zero and partly zero dates as null, TIME as
     * an {@link Interval} of any sign and length, BIT(n) and binary strings as bytes.
     */
    @Override
    public Object decode(Object json, Column column) {
        if (!(json instanceof String text)) {
            if (json instanceof BigDecimal number && column.type().kind() == Type.Kind.FLOAT32) {
                return (float) number.doubleValue();
            }
            return JsonValues.decode(json, column);
        }
        try {
            switch (column.type().kind()) {
                case BYTES:
                    return HexFormat.of().parseHex(text);
                case JSON:
                    return text;
                case DATE:
                    return noDate(text) ? null : LocalDate.parse(text);
                case TIMESTAMP:
                    return noDate(text) ? null : Cells.dateTime(text);
                case INTERVAL:
                    return Interval.ofMicros(Cells.timeMicros(text));
                default:
                    return JsonValues.decode(json, column);
            }
        } catch (DateTimeParseException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("cannot read the value \"" + text + "\" of column '" + column.name()
                    + "' as " + column.type() + ": " + e.getMessage(), e);
        }
    }

    /**
     * True for {@code 0000-00-00}, dates with a zero month or day and dates that do not exist
     * ({@code ALLOW_INVALID_DATES}), which have no Java value: the snapshot and the binlog source read them as null.
     */
    private static boolean noDate(String text) {
        if (text.startsWith("0000-00-00")) {
            return true;
        }
        try {
            LocalDate.parse(text.substring(0, Math.min(10, text.length())));
            return false;
        } catch (DateTimeParseException e) {
            return text.length() >= 10 && text.charAt(4) == '-' && text.charAt(7) == '-';
        }
    }

    @Override
    public String parameter(Column column) {
        return column.type().kind() == Type.Kind.TIMESTAMP_TZ ? "FROM_UNIXTIME(?)" : "?";
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, Column column) throws SQLException {
        if (value instanceof Instant instant) {
            statement.setBigDecimal(index, BigDecimal.valueOf(instant.getEpochSecond())
                    .add(BigDecimal.valueOf(instant.getNano() / 1000, 6)));
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof java.util.UUID uuid) {
            statement.setString(index, uuid.toString());
        } else {
            statement.setObject(index, value);
        }
    }

    @Override
    public Watermark watermark(Connection connection, Duration margin, Duration safetyWindow) throws SQLException {
        MySqlCaptureTrxView.Reading reading = reading(connection);
        boolean exact = reading != null;
        if (reading == null) {
            MySqlCaptureTrxView.Reading now = now(connection);
            reading = new MySqlCaptureTrxView.Reading(now.nowMicros(), now.nowLocal(),
                    now.nowMicros() - micros(safetyWindow));
        }
        long w = reading.boundMicros() - micros(margin);
        LocalDateTime local = reading.nowLocal().minusNanos((reading.nowMicros() - w) * 1000L);
        return new Watermark(Instant.ofEpochSecond(Math.floorDiv(w, 1_000_000L),
                Math.floorMod(w, 1_000_000L) * 1000L), local, exact);
    }

    @Override
    public Watermark now(Connection connection, Duration ahead) throws SQLException {
        MySqlCaptureTrxView.Reading now = now(connection);
        long w = now.nowMicros() + micros(ahead);
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(w, 1_000_000L), Math.floorMod(w, 1_000_000L) * 1000L);
        return new Watermark(instant, now.nowLocal().plusNanos(micros(ahead) * 1000L), true);
    }

    /** A fresh reading of INNODB_TRX, or null (with a warning once) when it cannot be had. */
    private MySqlCaptureTrxView.Reading reading(Connection connection) throws SQLException {
        try {
            MySqlCaptureTrxView.Reading reading = trx.read(connection);
            if (reading == null && staleWarned.compareAndSet(false, true)) {
                LOG.warn("information_schema.INNODB_TRX stayed stale (something reads it more often than every "
                        + "100 ms): capture falls back to the safety window while it does");
            }
            return reading;
        } catch (SQLException e) {
            if (e.getErrorCode() != MySqlCaptureTrxView.NEEDS_PROCESS) {
                throw e;
            }
            if (warned.compareAndSet(false, true)) {
                LOG.warn("this user cannot read information_schema.INNODB_TRX (GRANT PROCESS ON *.* to it): "
                        + "capture stays the safety window behind now, and a transaction open longer than that "
                        + "may be missed");
            }
            return null;
        }
    }

    private static MySqlCaptureTrxView.Reading now(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT NOW(6), CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)")) {
            rs.next();
            long now = rs.getLong(2);
            return new MySqlCaptureTrxView.Reading(now, rs.getObject(1, LocalDateTime.class), now);
        }
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    @Override
    public List<String> createChangeTable(ChangeTable changeTable) {
        return MySqlCaptureTriggers.createChangeTable(this, changeTable);
    }

    @Override
    public List<String> dropChangeTable(ChangeTable changeTable) {
        return List.of("DROP TABLE IF EXISTS " + qualify(changeTable.table()));
    }

    @Override
    public List<String> createTriggers(ChangeTable changeTable, TableId table, Schema schema) {
        return MySqlCaptureTriggers.createTriggers(this, changeTable, table, schema);
    }

    @Override
    public List<String> dropTriggers(ChangeTable changeTable, TableId table) {
        return MySqlCaptureTriggers.dropTriggers(this, changeTable, table);
    }

    @Override
    public List<TableId> tablesWithoutTriggers(Connection connection, ChangeTable changeTable, List<TableId> tables)
            throws SQLException {
        List<TableId> missing = MySqlCaptureTables.withoutTriggers(connection, changeTable, tables);
        if (missing != null) {
            return missing;
        }
        if (triggersWarned.compareAndSet(false, true)) {
            LOG.warn("this user sees none of the capture triggers (information_schema.TRIGGERS needs the TRIGGER "
                    + "privilege on the tables): a captured table created or re-created while the pipeline runs, "
                    + "which has no triggers, cannot be noticed");
        }
        return List.of();
    }

    /**
     * InnoDB's table id, which a {@code TRUNCATE} changes as well as a re-creation (and a rebuild: {@code OPTIMIZE
     * TABLE}, {@code ALTER TABLE ... FORCE}, a copying {@code ALTER}). Needs {@code PROCESS}; without it the map
     * is empty (and a warning is logged once): truncates then go unnoticed.
     */
    @Override
    public Map<TableId, Long> tableIdentities(Connection connection, List<TableId> tables) throws SQLException {
        try {
            return MySqlCaptureTables.innodbIds(connection, tables);
        } catch (SQLException e) {
            if (e.getErrorCode() != MySqlCaptureTrxView.NEEDS_PROCESS) {
                throw e;
            }
            if (idsWarned.compareAndSet(false, true)) {
                LOG.warn("this user cannot read InnoDB's table ids (GRANT PROCESS ON *.* to it): a TRUNCATE of a "
                        + "captured table, which fires no trigger, cannot be noticed and its rows stay in the "
                        + "targets");
            }
            return Map.of();
        }
    }

    /** MySQL and MariaDB fire no trigger for {@code TRUNCATE}. */
    @Override
    public boolean recordsTruncate() {
        return false;
    }

    /** Stops after the known number of rows: a range delete would wait on the lock of the row after the range. */
    @Override
    public String pruneChanges(ChangeTable changeTable) {
        return "DELETE FROM " + qualify(changeTable.table()) + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
    }

    @Override
    public long lastSequence(Connection connection, ChangeTable changeTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT AUTO_INCREMENT FROM "
                + "information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, changeTable.table().namespace());
            ps.setString(2, changeTable.table().name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the change table " + changeTable.table() + " does not exist: "
                            + "install trigger capture first", "42S02");
                }
                long next = rs.getLong(1);
                return rs.wasNull() ? 0 : Math.max(0, next - 1);
            }
        }
    }

    /** The database's clock, in microseconds since the epoch. */
    @Override
    public long fence(Connection connection) throws SQLException {
        return now(connection).nowMicros();
    }

    /** Just before the start of the oldest open transaction (INNODB_TRX shows whole seconds, rounded down). */
    @Override
    public long passedFence(Connection connection, Duration safetyWindow) throws SQLException {
        MySqlCaptureTrxView.Reading reading = reading(connection);
        return reading != null ? reading.boundMicros() - 1 : fence(connection) - micros(safetyWindow);
    }

    /** From INNODB_TRX and the process list; null without {@code PROCESS}. */
    @Override
    public String oldestTransaction(Connection connection) throws SQLException {
        String sql = "SELECT t.trx_id, t.trx_started, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), "
                + "t.trx_mysql_thread_id, p.USER, p.HOST, p.COMMAND, t.trx_state, LEFT(p.INFO, 200) "
                + "FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p "
                + "ON p.ID = t.trx_mysql_thread_id WHERE t.trx_mysql_thread_id <> CONNECTION_ID() "
                + "ORDER BY t.trx_started LIMIT 1";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            return "trx_id " + rs.getString(1) + ", started " + rs.getString(2) + " (" + rs.getLong(3) + " s ago), "
                    + "thread " + rs.getLong(4) + " (KILL " + rs.getLong(4) + " ends it), user " + rs.getString(5)
                    + "@" + rs.getString(6) + ", command " + rs.getString(7) + ", state " + rs.getString(8)
                    + ", running " + (rs.getString(9) == null ? "nothing (idle in the transaction)" : rs.getString(9));
        } catch (SQLException e) {
            if (e.getErrorCode() == MySqlCaptureTrxView.NEEDS_PROCESS) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "MySqlCaptureDialect";
    }
}

package dev.sluice.offset;

import dev.sluice.CommitStateUnknownException;
import dev.sluice.FatalException;
import dev.sluice.OffsetStore;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps offsets in a database table, one row per pipeline, created if missing:
 *
 * <pre>
 * sluice_offsets(pipeline_name varchar(200) primary key, encoded_offset text not null, updated_at timestamp)
 * </pre>
 *
 * <p>Tested on PostgreSQL and MySQL/MariaDB; other databases get ANSI SQL. Each call takes a connection from the
 * {@link DataSource} (use a pool) and returns it. A save is one transaction: once it returns, the offset is
 * committed. If the commit itself fails, the outcome is unknown and {@link CommitStateUnknownException} says so.
 * The user needs {@code SELECT, INSERT, UPDATE, DELETE} on the table, and {@code CREATE} the first time.
 *
 * <p><b>One writer:</b> on PostgreSQL and MySQL/MariaDB, {@link #acquire(String)} takes a session-level lock
 * ({@code pg_try_advisory_lock}, {@code GET_LOCK}) on a connection it keeps for the lease's lifetime, so a second
 * process of the same pipeline stops at once with a {@link dev.sluice.PipelineAlreadyRunningException}. The
 * server drops the lock when that session ends (a crash, a network cut); every save first checks the session is
 * alive and otherwise fails with a {@link RetriableException}, so the pipeline reopens, finds the lease no longer
 * {@linkplain Lease#isHeld() held} and claims the lock again — or learns that another process took it. The lease holds one connection of the data source: size a pool for it.
 * Other databases get no lock (a warning says so).
 *
 * <p><b>Signals</b> (see {@link OffsetStore}) are rows of a second table, created the first time one is added or
 * read: {@code <table>_signals(pipeline_name, signal_id, signal_text, created_at)}, primary key
 * {@code (pipeline_name, signal_id)}. Each call is one statement in autocommit.
 *
 * <p>Sinks that write to a database can commit the offset in their own transaction with
 * {@link #save(Connection, String, String)}. Thread-safe.
 */
public final class JdbcOffsetStore implements OffsetStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "sluice_offsets";

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";

    private final DataSource dataSource;
    private final String table;
    private static final Logger log = LoggerFactory.getLogger(JdbcOffsetStore.class);

    private final Map<String, JdbcLease> leases = new ConcurrentHashMap<>();
    private volatile boolean tableReady;
    private volatile boolean signalTableReady;

    private JdbcOffsetStore(DataSource dataSource, String table) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Objects.requireNonNull(table, "table");
        if (!table.matches(IDENTIFIER + "(\\." + IDENTIFIER + ")?")) {
            throw new IllegalArgumentException("offset table name '" + table + "' must be a plain identifier,"
                    + " optionally schema-qualified (letters, digits and '_'), e.g. 'sluice_offsets' or"
                    + " 'cdc.sluice_offsets'");
        }
    }

    /**
     * A store in the table {@value #DEFAULT_TABLE}.
     *
     * @param dataSource where the table lives, not null; a pool, since each call takes a connection and the lease keeps
     *     one
     * @return the store; it touches the database only when first used
     */
    public static JdbcOffsetStore create(DataSource dataSource) {
        return new JdbcOffsetStore(dataSource, DEFAULT_TABLE);
    }

    /**
     * A store in the named table: a plain identifier, optionally schema-qualified ({@code cdc.offsets}).
     *
     * @param dataSource where the table lives, not null; a pool, since each call takes a connection and the lease keeps
     *     one
     * @param table the table's name, e.g. {@code sluice_offsets} or {@code cdc.offsets}; created if missing
     * @return the store; it touches the database only when first used
     * @throws IllegalArgumentException if the name is not a plain, optionally schema-qualified identifier
     */
    public static JdbcOffsetStore create(DataSource dataSource, String table) {
        return new JdbcOffsetStore(dataSource, table);
    }

    /**
     * The table the offsets are kept in.
     *
     * @return the table name as given (or {@value #DEFAULT_TABLE}), schema-qualified if it was
     */
    public String table() {
        return table;
    }

    @Override
    public Optional<String> load(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT encoded_offset FROM " + table + " WHERE pipeline_name = ?")) {
                select.setString(1, pipelineName);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw failure("load the offset of pipeline " + pipelineName + " from", e);
        }
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(encodedOffset, "encodedOffset");
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                save(connection, pipelineName, encodedOffset);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new CommitStateUnknownException("committing the offset of pipeline " + pipelineName + " to "
                        + table + " failed, so it may or may not be saved: " + e.getMessage(), e);
            }
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            throw failure("save the offset of pipeline " + pipelineName + " to", e);
        }
    }

    /**
     * Writes the offset with the caller's connection, inside the caller's transaction, without committing: for
     * sinks that commit the offset together with their data. The table must exist (any call of
     * {@link #load(String)} creates it).
     *
     * @param connection the caller's connection, in the caller's open transaction, not null; not committed, not closed
     * @param pipelineName the pipeline whose offset this is, not null
     * @param encodedOffset the offset's text ({@link dev.sluice.Offset#encode()}), not null
     * @throws SQLException if the update or insert fails; the caller's transaction should then be rolled back
     * @throws dev.sluice.RetriableException if the pipeline's lease was lost (its database session ended); nothing is
     *     written
     */
    public void save(Connection connection, String pipelineName, String encodedOffset) throws SQLException {
        checkLease(pipelineName);
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                + " SET encoded_offset = ?, updated_at = CURRENT_TIMESTAMP WHERE pipeline_name = ?")) {
            update.setString(1, encodedOffset);
            update.setString(2, pipelineName);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (pipeline_name, encoded_offset, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
            insert.setString(1, pipelineName);
            insert.setString(2, encodedOffset);
            insert.executeUpdate();
        }
    }

    /**
     * Locks the pipeline's name in the database until the lease is closed (see the class comment).
     *
     * @throws dev.sluice.PipelineAlreadyRunningException if another session holds the lock
     * @throws RetriableException if the database cannot be reached
     */
    @Override
    public Lease acquire(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            JdbcLease.Dialect dialect = JdbcLease.dialectOf(connection);
            if (dialect == null) {
                log.warn("pipeline {}: the offset store {} cannot lock on {}: nothing stops a second process of this"
                        + " pipeline; run one at a time", pipelineName, this,
                        connection.getMetaData().getDatabaseProductName());
                connection.close();
                return Lease.NONE;
            }
            JdbcLease lease = JdbcLease.acquire(connection, dialect, table, pipelineName);
            leases.put(pipelineName, lease);
            return new Lease() {
                @Override
                public boolean isHeld() {
                    return lease.isValid();
                }

                @Override
                public void close() {
                    leases.remove(pipelineName, lease);
                    lease.close();
                }
            };
        } catch (SQLException e) {
            closeQuietly(connection);
            throw failure("lock pipeline " + pipelineName + " in the database of", e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** A save by a writer whose lock went with its session must not land beside the next holder's. */
    private void checkLease(String pipelineName) {
        JdbcLease lease = leases.get(pipelineName);
        if (lease != null && !lease.isValid()) {
            throw new RetriableException("pipeline " + pipelineName + " lost its lock in the database of " + table
                    + " (the session holding it ended), so its offset is not saved; it reopens and locks again, or"
                    + " stops if another process holds the pipeline by then");
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // the lease failed anyway
        }
    }

    @Override
    public void delete(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        try (Connection connection = dataSource.getConnection()) {
            ensureTable(connection);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE pipeline_name = ?")) {
                delete.setString(1, pipelineName);
                delete.executeUpdate();
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
            }
        } catch (SQLException e) {
            throw failure("delete the offset of pipeline " + pipelineName + " from", e);
        }
    }

    @Override
    public String addSignal(String pipelineName, String text) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(text, "text");
        String id = Signal.newId(Clock.systemUTC());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            ensureSignalTable(connection);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + signalTable()
                    + " (pipeline_name, signal_id, signal_text, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                insert.setString(1, pipelineName);
                insert.setString(2, id);
                insert.setString(3, text);
                insert.executeUpdate();
            }
            return id;
        } catch (SQLException e) {
            throw failure("add a signal for pipeline " + pipelineName + " to", e);
        }
    }

    @Override
    public List<Signal> signals(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        try (Connection connection = dataSource.getConnection()) {
            ensureSignalTable(connection);
            List<Signal> signals = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT signal_id, signal_text FROM "
                    + signalTable() + " WHERE pipeline_name = ? ORDER BY signal_id")) {
                select.setString(1, pipelineName);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        signals.add(new Signal(rows.getString(1), rows.getString(2)));
                    }
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return signals;
        } catch (SQLException e) {
            throw failure("read the signals of pipeline " + pipelineName + " from", e);
        }
    }

    @Override
    public void removeSignal(String pipelineName, String id) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(id, "id");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            ensureSignalTable(connection);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + signalTable() + " WHERE pipeline_name = ? AND signal_id = ?")) {
                delete.setString(1, pipelineName);
                delete.setString(2, id);
                delete.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("remove signal " + id + " of pipeline " + pipelineName + " from", e);
        }
    }

    /**
     * The table of the signals: the offset table's name with {@code _signals} after it.
     *
     * @return the signal table's name, schema-qualified if the offset table is
     */
    public String signalTable() {
        return table + "_signals";
    }

    private void ensureSignalTable(Connection connection) throws SQLException {
        if (signalTableReady) {
            return;
        }
        String text = textType(connection);
        try (Statement create = connection.createStatement()) {
            create.execute("CREATE TABLE IF NOT EXISTS " + signalTable() + " (pipeline_name VARCHAR(200) NOT NULL,"
                    + " signal_id VARCHAR(64) NOT NULL, signal_text " + text + " NOT NULL, created_at "
                    + timestampType(connection) + ", PRIMARY KEY (pipeline_name, signal_id))");
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        signalTableReady = true;
    }

    private static String textType(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return "text";
        }
        return product.contains("mysql") || product.contains("mariadb") ? "LONGTEXT" : "VARCHAR(8000)";
    }

    private static String timestampType(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return "timestamptz";
        }
        return product.contains("mysql") || product.contains("mariadb") ? "TIMESTAMP(3) NULL" : "TIMESTAMP";
    }

    private void ensureTable(Connection connection) throws SQLException {
        if (tableReady) {
            return;
        }
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String text;
        String timestamp;
        if (product.contains("postgres")) {
            text = "text";
            timestamp = "timestamptz";
        } else if (product.contains("mysql") || product.contains("mariadb")) {
            text = "LONGTEXT";
            timestamp = "TIMESTAMP(3) NULL";
        } else {
            text = "VARCHAR(8000)";
            timestamp = "TIMESTAMP";
        }
        try (Statement create = connection.createStatement()) {
            create.execute("CREATE TABLE IF NOT EXISTS " + table + " (pipeline_name VARCHAR(200) NOT NULL PRIMARY KEY,"
                    + " encoded_offset " + text + " NOT NULL, updated_at " + timestamp + ")");
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        tableReady = true;
    }

    private SluiceException failure(String action, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = "cannot " + action + " the table " + table + ": " + e.getMessage();
        if (state.startsWith("28")) {
            return new FatalException(message + ". Fix: check the offset store's database user and password.", e);
        }
        if (state.startsWith("42")) {
            return new FatalException(message + ". Fix: grant the offset store's user SELECT, INSERT, UPDATE and"
                    + " DELETE on " + table + " (and CREATE on its schema, or create the table yourself).", e);
        }
        return new RetriableException(message, e);
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "JDBC offset store in table " + table;
    }
}

package dev.sluice.sink.jdbc;

import dev.sluice.FatalException;
import dev.sluice.PipelineAlreadyRunningException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One writer per pipeline: a lock on the target database that the sink's connection takes at open and holds until
 * close, keyed by the pipeline's name and the offset table. A second process of the same pipeline cannot take it
 * and stops at open, before it writes anything.
 *
 * <p>The lock belongs to the database session, not to a transaction (PostgreSQL {@code pg_try_advisory_lock},
 * MariaDB/MySQL {@code GET_LOCK}): it outlives each commit, so there is no moment between two transactions in which
 * another writer could slip in, and the server releases it when the connection ends, so a crashed process never
 * leaves it behind. Since every write of a session goes through the connection that holds the lock, a writer whose
 * connection was lost (and whose lock another writer may then hold) can commit nothing more on it: the
 * uncommitted transaction dies with the connection. Confined to the sink's thread.
 */
final class WriterLock {

    /** How long open waits for a lock whose holder is going away (a process killed a moment ago). */
    private static final int ATTEMPTS = 30;
    private static final long PAUSE_MILLIS = 100;

    /** The lock name on MariaDB/MySQL, where names are server-wide (at most 64 characters): with the database. */
    private static final String MYSQL_NAME = "CONCAT(?, ':', LEFT(MD5(COALESCE(DATABASE(), '')), 16))";

    private final JdbcDialect dialect;
    private final String pipeline;
    private final String name;
    private final long key;

    WriterLock(JdbcDialect dialect, String pipeline, String offsetTable) {
        this.dialect = dialect;
        this.pipeline = pipeline;
        byte[] hash = sha256("sluice-jdbc-sink\0" + offsetTable + "\0" + pipeline);
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = k << 8 | (hash[i] & 0xff);
        }
        this.key = k;
        this.name = "sluice:" + Long.toHexString(k);
    }

    /**
     * Takes the lock on this connection (in autocommit or not: it is not transactional).
     *
     * @throws FatalException "pipeline X is already running" if another session keeps it
     */
    void acquire(Connection connection) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            if (tryLock(connection)) {
                return;
            }
            if (attempt == ATTEMPTS) {
                throw alreadyRunning(holder(connection));
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException("interrupted while waiting for the writer lock of pipeline " + pipeline, e);
            }
        }
    }

    /** Gives the lock back, so that a pooled connection does not keep it after the sink closes. */
    void release(Connection connection) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement(dialect == JdbcDialect.POSTGRESQL
                ? "SELECT pg_advisory_unlock(?)" : "SELECT RELEASE_LOCK(" + MYSQL_NAME + ")")) {
            bindKey(unlock);
            unlock.executeQuery().close();
        }
    }

    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(dialect == JdbcDialect.POSTGRESQL
                ? "SELECT pg_try_advisory_lock(?)" : "SELECT GET_LOCK(" + MYSQL_NAME + ", 0)");
                ResultSet rows = bind(lock).executeQuery()) {
            rows.next();
            return dialect == JdbcDialect.POSTGRESQL ? rows.getBoolean(1) : rows.getInt(1) == 1; // NULL: error
        }
    }

    /** Who holds the lock, for the message: the server's connection id, client and start time where it says. */
    private String holder(Connection connection) throws SQLException {
        String sql = dialect == JdbcDialect.POSTGRESQL
                ? "SELECT a.pid, a.client_addr, a.application_name, a.backend_start FROM pg_locks l"
                        + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                        + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        + " AND l.classid = ((? >> 32) & 4294967295)::oid AND l.objid = (? & 4294967295)::oid"
                        + " AND l.objsubid = 1 AND l.granted"
                : "SELECT p.id, p.host, p.user, p.time FROM information_schema.processlist p"
                        + " WHERE p.id = IS_USED_LOCK(" + MYSQL_NAME + ")";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            bind(query);
            if (dialect == JdbcDialect.POSTGRESQL) {
                query.setLong(2, key);
            }
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return dialect == JdbcDialect.POSTGRESQL
                        ? "PostgreSQL backend pid " + rows.getLong(1) + " from " + rows.getString(2) + " ("
                                + rows.getString(3) + ") since " + rows.getString(4)
                        : "connection id " + rows.getLong(1) + " of " + rows.getString(3) + "@" + rows.getString(2)
                                + ", " + rows.getLong(4) + " s in its current state";
            }
        } catch (SQLException e) {
            return null; // the message is still right without the holder's details (pg_stat_activity may be hidden)
        }
    }

    private FatalException alreadyRunning(String holder) {
        String kill = dialect == JdbcDialect.POSTGRESQL ? "SELECT pg_terminate_backend(<pid>)" : "KILL <id>";
        return new PipelineAlreadyRunningException("pipeline " + pipeline + " is already running (another session holds its JDBC sink"
                + " writer lock on the target" + (holder == null ? "" : ": " + holder) + "), so this process stops"
                + " before writing anything: two writers of one pipeline would overwrite each other's rows and"
                + " offset. Fix: stop the other process first (in a rolling deploy, stop the old one before starting"
                + " the new); if it is gone but its connection lingers, end that connection (" + kill + ") or wait"
                + " for the server to drop it, then start again");
    }

    private PreparedStatement bind(PreparedStatement statement) throws SQLException {
        bindKey(statement);
        return statement;
    }

    private void bindKey(PreparedStatement statement) throws SQLException {
        if (dialect == JdbcDialect.POSTGRESQL) {
            statement.setLong(1, key);
        } else {
            statement.setString(1, name);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

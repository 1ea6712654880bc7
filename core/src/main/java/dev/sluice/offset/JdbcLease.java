package dev.sluice.offset;

import dev.sluice.OffsetStore;
import dev.sluice.PipelineAlreadyRunningException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pipeline's claim in a {@link JdbcOffsetStore}'s database: a session-level lock held by a connection of its own
 * for as long as the lease is open — {@code pg_try_advisory_lock} on PostgreSQL, {@code GET_LOCK} on MySQL and
 * MariaDB. The server drops it when that session ends, so a crashed process never leaves it behind; the store
 * checks the session is alive before each save, so a writer whose lock went with its connection stops instead of
 * saving beside a new holder.
 */
final class JdbcLease implements OffsetStore.Lease {

    enum Dialect { POSTGRES, MYSQL }

    private static final int UNLOCK_TIMEOUT_MILLIS = 5_000;

    private final Connection connection;
    private final Dialect dialect;
    private final long key;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdbcLease(Connection connection, Dialect dialect, long key) {
        this.connection = connection;
        this.dialect = dialect;
        this.key = key;
        this.name = "sluice:" + String.format("%016x", key);
    }

    static Dialect dialectOf(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return Dialect.POSTGRES;
        }
        return product.contains("mysql") || product.contains("mariadb") ? Dialect.MYSQL : null;
    }

    /**
     * Takes the lock on {@code connection}, which the lease then owns (and closes).
     *
     * @throws PipelineAlreadyRunningException if another session holds it
     */
    static JdbcLease acquire(Connection connection, Dialect dialect, String table, String pipelineName)
            throws SQLException {
        long key = key(connection.getCatalog() + "/" + table + "/" + pipelineName);
        JdbcLease lease = new JdbcLease(connection, dialect, key);
        String sql = dialect == Dialect.POSTGRES ? "SELECT pg_try_advisory_lock(?)::int" : "SELECT GET_LOCK(?, 0)";
        boolean locked;
        try (PreparedStatement lock = connection.prepareStatement(sql)) {
            lease.bind(lock);
            try (ResultSet row = lock.executeQuery()) {
                locked = row.next() && row.getInt(1) == 1;
            }
        }
        if (!locked) {
            String holder = lease.holder();
            throw new PipelineAlreadyRunningException("pipeline " + pipelineName + " is already running ("
                    + holder + "): its lock for the offset table " + table + " is held. Two processes of one"
                    + " pipeline would overwrite each other's data and offsets, so this one stops before touching"
                    + " anything. Fix: stop the other process first (the lock goes when its session ends), or give"
                    + " this pipeline another name.");
        }
        return lease;
    }

    /** True while the session holding the lock is alive. */
    boolean isValid() {
        try {
            return !closed.get() && connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String sql = dialect == Dialect.POSTGRES ? "SELECT pg_advisory_unlock(?)" : "SELECT RELEASE_LOCK(?)";
        try {
            // the pipeline's end waits for this: a dead network must not hold it up for long
            connection.setNetworkTimeout(Runnable::run, UNLOCK_TIMEOUT_MILLIS);
        } catch (SQLException | RuntimeException e) {
            // a driver without network timeouts: the unlock below may wait as long as the driver does
        }
        try (PreparedStatement unlock = connection.prepareStatement(sql)) {
            bind(unlock);
            unlock.executeQuery().close();
        } catch (SQLException e) {
            // a pooled connection must not go back to its pool still holding the lock: end the session
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the session is gone either way
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a connection whose session is already gone
        }
    }

    private void bind(PreparedStatement statement) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            statement.setLong(1, key);
        } else {
            statement.setString(1, name);
        }
    }

    /** Who holds the lock, as far as the server says; best effort. */
    private String holder() {
        String sql = dialect == Dialect.POSTGRES
                ? "SELECT 'pid ' || a.pid || ' from ' || coalesce(host(a.client_addr), 'a local socket') || ' ('"
                        + " || coalesce(nullif(a.application_name, ''), 'no application name') || ') since '"
                        + " || a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                        + " AND l.classid::text::bigint = (? >> 32) & 4294967295 AND l.objid::text::bigint = ? & 4294967295"
                : "SELECT concat('connection ', IS_USED_LOCK(?))";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            if (dialect == Dialect.POSTGRES) {
                query.setLong(1, key);
                query.setLong(2, key);
            } else {
                query.setString(1, name);
            }
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getString(1) != null ? "held by " + row.getString(1) : "held by another session";
            }
        } catch (SQLException e) {
            return "held by another session";
        } finally {
            close();
        }
    }

    /** A 64-bit FNV-1a hash: the lock key, the same in every process. */
    static long key(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

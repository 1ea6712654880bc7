package dev.sluice.sink.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where the sink's connections come from: the user's {@link DataSource}, or a small HikariCP pool made on first
 * use and closed with the sink (made again if the sink is opened again). Thread-safe.
 */
final class Connections implements DataSource {

    private final DataSource given;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private HikariDataSource pool;

    private Connections(DataSource given, String jdbcUrl, String user, String password) {
        this.given = given;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    static Connections of(DataSource dataSource) {
        return new Connections(dataSource, null, null, null);
    }

    static Connections pooled(String jdbcUrl, String user, String password) {
        return new Connections(null, jdbcUrl, user, password);
    }

    private synchronized DataSource current() {
        if (given != null) {
            return given;
        }
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("sluice-jdbc-sink");
            config.setJdbcUrl(jdbcUrl);
            config.setUsername(user);
            if (password != null) {
                config.setPassword(password);
            }
            config.setMaximumPoolSize(2); // the sink's transaction and the offset store's own calls
            config.setMinimumIdle(0);
            // one attempt when the pool is made: a refused login fails at once instead of after the pool's
            // 30 s connection timeout, and can be told apart from a server that is down
            config.setInitializationFailTimeout(1);
            try {
                pool = new HikariDataSource(config);
            } catch (RuntimeException e) {
                Throwable cause = e.getCause();
                if (Errors.isMissingDriver(e)) {
                    throw Errors.missingDriver(jdbcUrl, e);
                }
                if (cause instanceof SQLException sql && sql.getSQLState() != null
                        && sql.getSQLState().startsWith("28")) {
                    throw new FatalException("the JDBC sink cannot log in to " + jdbcUrl + " as '" + user + "': "
                            + sql.getMessage() + ". Fix: check the target user and password.", sql);
                }
                throw new RetriableException("cannot create the JDBC sink's connection pool for " + jdbcUrl + ": "
                        + (cause == null ? e.getMessage() : cause.getMessage()), e);
            }
        }
        return pool;
    }

    /** Closes the pool the sink made (not a given data source); the next use makes a new one. */
    synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current().getConnection();
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return current().getConnection(username, pass);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return current().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        current().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        current().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return current().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return current().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return current().isWrapperFor(type);
    }

    /** Where it connects, without any secret. */
    @Override
    public String toString() {
        return given != null ? given.getClass().getSimpleName() : mask(jdbcUrl);
    }

    /** The URL with any password parameter masked. */
    static String mask(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}

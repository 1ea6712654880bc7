package dev.sluice.testkit;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new {@link DriverManager} connection per call: no pool, nothing
 * to close, safe to share between threads. Enough for code under test that takes a DataSource.
 */
final class DriverManagerDataSource implements DataSource {

    private final String url;
    private final Properties properties;
    private volatile PrintWriter logWriter;

    /** {@code properties} holds the driver settings and the default {@code user}/{@code password}. */
    DriverManagerDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = (Properties) properties.clone();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties p = (Properties) properties.clone();
        p.setProperty("user", username);
        p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Ignored: the connect timeout is part of the driver properties the testkit sets. */
    @Override
    public void setLoginTimeout(int seconds) {
        // see the javadoc
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "DriverManagerDataSource[" + url + ", user=" + properties.getProperty("user") + "]";
    }
}

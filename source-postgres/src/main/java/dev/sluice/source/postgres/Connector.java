package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import dev.sluice.source.postgres.internal.ReplicationSocketFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * Opens this source's connections. Every connection sets the output styles the value parsers expect
 * ({@code IntervalStyle=iso_8601}, {@code bytea_output=hex}, shortest exact floats; pgjdbc itself sets
 * {@code DateStyle=ISO} and UTF-8), so snapshot and stream see the same text for the same value.
 */
final class Connector {

    /*
     * The keepalive settings make the server notice within about 25 s that a client of this source is gone (the
     * default is the kernel's: two hours), so the slot and the pipeline's lock are free again soon after a process
     * dies without closing its connections.
     */
    private static final String OPTIONS = "-c IntervalStyle=iso_8601 -c bytea_output=hex -c extra_float_digits=3"
            + " -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3";

    private final String url;
    private final String user;
    private final String password;
    private final Duration connectTimeout;
    private final String applicationName;

    Connector(String url, String user, String password, Duration connectTimeout, String applicationName) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connectTimeout = connectTimeout;
        this.applicationName = applicationName;
    }

    /** A normal connection (auto-commit on, text results). */
    Connection connect() {
        return open(properties(), "a");
    }

    /** A logical replication connection to the database. */
    Connection replication() {
        Properties p = properties();
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        // reads the stream in batches (a socketFactory given in the URL takes precedence)
        PGProperty.SOCKET_FACTORY.set(p, ReplicationSocketFactory.class.getName());
        return open(p, "a replication");
    }

    private Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            PGProperty.USER.set(p, user);
        }
        if (password != null) {
            PGProperty.PASSWORD.set(p, password);
        }
        PGProperty.OPTIONS.set(p, OPTIONS);
        PGProperty.BINARY_TRANSFER.set(p, false);
        PGProperty.APPLICATION_NAME.set(p, applicationName);
        PGProperty.CONNECT_TIMEOUT.set(p, (int) Math.max(1, connectTimeout.toSeconds()));
        PGProperty.TCP_KEEP_ALIVE.set(p, true);
        return p;
    }

    private Connection open(Properties p, String kind) {
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw classify(e, "cannot open " + kind + " connection to " + PostgresSource.maskUrl(url) + " as " + user);
        }
    }

    /**
     * Authentication and privilege failures are fatal (retrying cannot fix them); everything else, lost
     * connections included, is retriable.
     */
    static RuntimeException classify(SQLException e, String what) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
            return new FatalException(what + ": " + e.getMessage() + ". Fix the user name or password, or the"
                    + " server's pg_hba.conf (a replication connection needs a 'replication' line or a database"
                    + " line that covers it).", e);
        }
        if (state.equals("42501")) {
            return new FatalException(what + ": " + e.getMessage() + ". Grant the missing privilege to the"
                    + " source's user.", e);
        }
        if (state.equals("3D000")) {
            return new FatalException(what + ": " + e.getMessage() + ". Fix the database name in the JDBC URL.", e);
        }
        return new RetriableException(what + ": " + e.getMessage(), e);
    }
}

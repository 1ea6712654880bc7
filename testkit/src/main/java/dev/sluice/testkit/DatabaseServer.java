package dev.sluice.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database server the tests use: how to reach it, whether it is fit for CDC (checked once per
 * JVM), and how to create and drop a per-test database on it as the admin user. Thread-safe.
 */
abstract class DatabaseServer {

    /**
     * Connect timeout of the once-per-JVM check: short, so a missing server costs about a second.
     * A refused connection on this machine fails at once anyway.
     */
    static final int PROBE_CONNECT_TIMEOUT_MILLIS = 1_000;
    /** Connect timeout of the tests' own connections: a loaded CI machine may be slow to answer. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private static final String FIX = "run scripts/setup-services as root, or set ";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseServer.class);

    private final ServerAddress address;
    private final String product;
    private final String requirement;
    private String problem;
    private boolean probed;

    /**
     * @param product     the server's name in messages, e.g. {@code PostgreSQL}
     * @param requirement what CDC tests need of it, e.g. {@code wal_level=logical}
     */
    DatabaseServer(ServerAddress address, String product, String requirement) {
        this.address = address;
        this.product = product;
        this.requirement = requirement;
    }

    final ServerAddress address() {
        return address;
    }

    /**
     * Why this server cannot be used for CDC tests, followed by the fix; {@code null} when it can.
     * Asks the server on the first call only.
     */
    final synchronized String problem() {
        if (!probed) {
            String found = probe();
            problem = found == null ? null
                    : found + ": " + FIX + address.variables() + " to a " + product + " server with "
                            + requirement;
            probed = true;
            if (problem != null) {
                // once per JVM; each test then says it too, as its failure or its reason for skipping
                LOG.warn("{} tests will {}: {}", product, Env.isCi() ? "fail (CI=true)" : "be skipped", problem);
            }
        }
        return problem;
    }

    /** The JDBC URL of {@code database} on this server, with no parameters. */
    abstract String url(String database);

    /** Driver properties that log in as {@code user}, with the given connect timeout. */
    abstract Properties properties(String user, String password, int connectTimeoutMillis);

    /** What is wrong with the server for CDC tests, or {@code null} when nothing is. */
    abstract String probe();

    /** Creates the empty database {@code name} for the application user. */
    abstract void create(String name) throws SQLException;

    /** Drops {@code name} if it exists, with whatever would keep it alive. */
    abstract void drop(String name) throws SQLException;

    /** The handle the tests get for {@code name}, which {@link #create} has made. */
    abstract TestDatabase handle(String name);

    /** Driver properties for the tests' own connections as {@code user}. */
    final Properties properties(String user, String password) {
        return properties(user, password, CONNECT_TIMEOUT_MILLIS);
    }

    /** A new connection to {@code database} as the admin user. */
    final Connection adminConnect(String database) throws SQLException {
        return DriverManager.getConnection(url(database),
                properties(address.adminUser(), address.adminPassword()));
    }

    /** A new connection to {@code database} for the probe, as the admin or application user. */
    final Connection probeConnect(String database, boolean admin) throws SQLException {
        return DriverManager.getConnection(url(database), admin
                ? properties(address.adminUser(), address.adminPassword(), PROBE_CONNECT_TIMEOUT_MILLIS)
                : properties(address.user(), address.password(), PROBE_CONNECT_TIMEOUT_MILLIS));
    }

    /** {@code "<product> at host:port"}, for messages. */
    final String describe() {
        return product + " at " + address.authority();
    }

    /** Quotes an identifier with {@code quote}, doubling any quote inside it. */
    static String quote(String identifier, char quote) {
        String q = String.valueOf(quote);
        return q + identifier.replace(q, q + q) + q;
    }

    @Override
    public String toString() {
        return describe();
    }
}

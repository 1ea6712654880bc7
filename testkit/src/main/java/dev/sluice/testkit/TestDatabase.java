package dev.sluice.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A fresh, empty database on a real server, made for one test and dropped after it.
 *
 * <p>The application user ({@link #user()}) is the one the code under test should log in as: it
 * owns the database and has the replication rights CDC needs, but is no superuser. The admin user
 * is for fixtures that need more (a publication for all tables, reading server settings).
 *
 * <p>Lifecycle: made by {@link PostgresExtension} or {@link MariaDbExtension} when a test, a
 * lifecycle method or a constructor asks for one; every {@code ExtensionContext} (a test method, or
 * the test class for {@code @BeforeAll}) gets its own, and it is dropped, with whatever the test
 * left in it, when that context ends. Connections still open then are cut off.
 *
 * <p>Thread-safety: immutable; every method may be called from any thread. Each {@link #connect()}
 * opens a new connection, which the caller closes.
 */
public abstract class TestDatabase {

    private final DatabaseServer server;
    private final String name;
    private final DataSource dataSource;

    TestDatabase(DatabaseServer server, String name) {
        this.server = server;
        this.name = name;
        ServerAddress address = server.address();
        this.dataSource = new DriverManagerDataSource(
                server.url(name), server.properties(address.user(), address.password()));
    }

    /** {@return the server's host name or address, such as {@code 127.0.0.1}} */
    public String host() {
        return server.address().host();
    }

    /** {@return the server's TCP port} */
    public int port() {
        return server.address().port();
    }

    /** {@return the database's name, {@code sluice_t_<test class>_<random>}: lowercase, at most 63 characters} */
    public String name() {
        return name;
    }

    /** {@return a plain JDBC URL of this database, with no parameters, so callers can append their own} */
    public String jdbcUrl() {
        return server.url(name);
    }

    /** {@return the application user: owns the database, may replicate, is no superuser} */
    public String user() {
        return server.address().user();
    }

    /** {@return the application user's password} */
    public String password() {
        return server.address().password();
    }

    /** {@return a superuser, for fixtures the application user may not do} */
    public String adminUser() {
        return server.address().adminUser();
    }

    /** {@return the admin user's password} */
    public String adminPassword() {
        return server.address().adminPassword();
    }

    /**
     * {@return a new connection to this database as the application user; the caller closes it}
     *
     * @throws SQLException if the server refuses the connection
     */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * {@return a new connection to this database as the admin user; the caller closes it}
     *
     * @throws SQLException if the server refuses the connection
     */
    public Connection adminConnect() throws SQLException {
        return dataSource.getConnection(adminUser(), adminPassword());
    }

    /**
     * Runs each statement in turn on one auto-commit connection as the application user. Stops at
     * the first that fails, with the statement in the exception's message.
     *
     * @param sql the statements, one per argument
     * @throws SQLException the first statement's failure, its message ending with {@code [in: <statement>]}
     */
    public void execute(String... sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                try {
                    statement.execute(each);
                } catch (SQLException e) {
                    throw new SQLException(e.getMessage() + " [in: " + each + "]", e.getSQLState(),
                            e.getErrorCode(), e);
                }
            }
        }
    }

    /**
     * A {@link DataSource} for the application user that opens a new connection per call (no pool),
     * for code that takes a DataSource. Its connections are the caller's to close.
     *
     * @return the data source, the same on every call
     */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String toString() {
        // no passwords
        return getClass().getSimpleName() + "[" + name + " at " + server.address().authority()
                + ", user=" + user() + "]";
    }
}

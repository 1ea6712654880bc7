package dev.sluice.testkit;

/**
 * A JUnit 5 extension that hands a test a fresh MariaDB database: declare a
 * {@link MariaDbDatabase} parameter on a test method, a lifecycle method or the test constructor.
 *
 * <pre>
 * &#64;ExtendWith(MariaDbExtension.class)
 * class OrdersIT {
 *     &#64;Test
 *     void capturesInserts(MariaDbDatabase db) throws Exception {
 *         db.execute("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders VALUES (1)");
 *     }
 * }
 * </pre>
 *
 * <p>Server: {@code SLUICE_MARIADB_HOST} (default {@code 127.0.0.1}), {@code SLUICE_MARIADB_PORT}
 * ({@code 3306}), the application user {@code SLUICE_MARIADB_USER}/{@code SLUICE_MARIADB_PASSWORD}
 * ({@code sluice}/{@code sluice}) and the admin user {@code SLUICE_MARIADB_ADMIN_USER}/
 * {@code SLUICE_MARIADB_ADMIN_PASSWORD} ({@code sluice_admin}/{@code sluice_admin}), as
 * {@code scripts/setup-services} prepares them.
 *
 * <p>Lifecycle: once per JVM, on first use, the server is checked: reachable as both users,
 * {@code log_bin=ON}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL}. If it is not, the
 * test fails when the environment variable {@code CI} is {@code true} and is skipped otherwise,
 * with a message that names the problem and the fix. Each {@code ExtensionContext} that resolves
 * a parameter (a test method, or the test class for {@code @BeforeAll}) gets its own database; all
 * parameters within it get the same one. When the context ends, connections still using the
 * database are killed and the database is dropped.
 *
 * <p>Thread-safety: safe for parallel test execution; the per-JVM state is synchronized.
 */
public final class MariaDbExtension extends DatabaseExtension {

    private static MariaDbServer server;

    /** Called by JUnit, for {@code @ExtendWith} or {@code @RegisterExtension}. */
    public MariaDbExtension() {
        super(MariaDbDatabase.class);
    }

    @Override
    DatabaseServer server() {
        return shared();
    }

    private static synchronized MariaDbServer shared() {
        if (server == null) {
            server = new MariaDbServer(ServerAddress.fromEnvironment("SLUICE_MARIADB", 3306));
        }
        return server;
    }
}

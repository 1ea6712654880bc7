package dev.sluice.testkit;

/**
 * A JUnit 5 extension that hands a test a fresh PostgreSQL database: declare a
 * {@link PostgresDatabase} parameter on a test method, a lifecycle method or the test constructor.
 *
 * <pre>
 * &#64;ExtendWith(PostgresExtension.class)
 * class OrdersIT {
 *     &#64;Test
 *     void capturesInserts(PostgresDatabase db) throws Exception {
 *         db.execute("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders VALUES (1)");
 *         try (Connection c = db.connect()) { ... }
 *     }
 * }
 * </pre>
 *
 * <p>Server: {@code SLUICE_PG_HOST} (default {@code 127.0.0.1}), {@code SLUICE_PG_PORT}
 * ({@code 5432}), the application user {@code SLUICE_PG_USER}/{@code SLUICE_PG_PASSWORD}
 * ({@code sluice}/{@code sluice}) and the superuser {@code SLUICE_PG_ADMIN_USER}/
 * {@code SLUICE_PG_ADMIN_PASSWORD} ({@code sluice_admin}/{@code sluice_admin}), as
 * {@code scripts/setup-services} prepares them.
 *
 * <p>Lifecycle: once per JVM, on first use, the server is checked: reachable as both users, and
 * {@code wal_level=logical}. If it is not, the test fails when the environment variable
 * {@code CI} is {@code true} and is skipped otherwise, with a message that names the problem and
 * the fix. Each {@code ExtensionContext} that resolves a parameter (a test method, or the test
 * class for {@code @BeforeAll}) gets its own database, created by the admin user and owned by the
 * application user; all parameters within it get the same one. When the context ends, the
 * database's replication slots are dropped (their walsenders terminated) and then the database,
 * cutting off open connections.
 *
 * <p>Thread-safety: safe for parallel test execution; the per-JVM state is synchronized.
 */
public final class PostgresExtension extends DatabaseExtension {

    private static PostgresServer server;

    /** Called by JUnit, for {@code @ExtendWith} or {@code @RegisterExtension}. */
    public PostgresExtension() {
        super(PostgresDatabase.class);
    }

    @Override
    DatabaseServer server() {
        return shared();
    }

    private static synchronized PostgresServer shared() {
        if (server == null) {
            server = new PostgresServer(ServerAddress.fromEnvironment("SLUICE_PG", 5432));
        }
        return server;
    }
}

package dev.sluice.testkit;

/**
 * A fresh PostgreSQL database for one test, owned by the application user, on a server with
 * {@code wal_level=logical}; handed out by {@link PostgresExtension}.
 *
 * <p>The application user has {@code LOGIN REPLICATION CREATEDB}: it may create publications for
 * its own tables and logical replication slots. When the test ends, the database's replication
 * slots are dropped with it (an active walsender is terminated first).
 *
 * <p>Lifecycle and thread-safety are those of {@link TestDatabase}.
 */
public final class PostgresDatabase extends TestDatabase {

    PostgresDatabase(DatabaseServer server, String name) {
        super(server, name);
    }
}

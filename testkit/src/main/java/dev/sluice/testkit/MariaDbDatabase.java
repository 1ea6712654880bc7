package dev.sluice.testkit;

/**
 * A fresh MariaDB (or MySQL) database for one test on a server that writes a ROW/FULL binlog;
 * handed out by {@link MariaDbExtension}.
 *
 * <p>The application user has all rights on the {@code sluice\_%} databases, and
 * {@code SELECT, RELOAD, PROCESS, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT} on the
 * server, which is what binlog capture needs. The binlog is shared by the whole server: a reader
 * sees other databases' changes too and must filter by database.
 *
 * <p>Lifecycle and thread-safety are those of {@link TestDatabase}.
 */
public final class MariaDbDatabase extends TestDatabase {

    MariaDbDatabase(DatabaseServer server, String name) {
        super(server, name);
    }
}

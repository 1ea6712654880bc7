package dev.sluice.examples;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A PostgreSQL server for the quickstart, from zonky's embedded binaries (downloaded from Maven Central like any
 * jar): no installed database needed. Its data directory survives between runs, so a second quickstart resumes
 * from the replication slot and the offset the first one left.
 */
final class EmbeddedShopDatabase implements AutoCloseable {

    private final EmbeddedPostgres server;

    private EmbeddedShopDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    static EmbeddedShopDatabase start(Path dataDirectory) throws IOException {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .start();
        return new EmbeddedShopDatabase(server);
    }

    /** A JDBC URL for the {@code postgres} database, as user {@code postgres} (no password). */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
    }

    String user() {
        return "postgres";
    }

    Connection connect() throws SQLException {
        return server.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.sluice.benchmarks;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The PostgreSQL side of the benchmark's data: a scratch database with table {@code bench} (bigint key, int,
 * bigint, 2 doubles, numeric(12,2), 2 varchar(32), timestamptz, bool; for W4 instead bigint key, bigint counter,
 * ~8 KB jsonb), the loads of each workload done server-side, publications, replication slots (a template slot created before a backlog is written, copied
 * for each run so every run reads the same log), and the snapshot ceiling. Not thread-safe.
 */
final class PgFixture implements AutoCloseable {

    /** The row with key {@code g}, as a select list over an integer {@code g}. */
    static final String ROW = "g, (g % 1000)::int, g * 3, g * 0.5, (g % 997) / 7.0, ((g % 100000) / 100.0)::numeric(12,2),"
            + " md5(g::text)::varchar(32), ('name-' || g)::varchar(32),"
            + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 2 = 0";

    /**
     * The W4 row with key {@code g}: counter 0 and a JSON document of 60 SHA-512 hex strings (about 7.9 KB as text
     * and as jsonb). pglz cannot compress it, so PostgreSQL stores it out of line in the TOAST table (default
     * storage; the table keeps REPLICA IDENTITY DEFAULT, so pgoutput sends an update's untouched JSON as "unchanged").
     */
    static final String JSON_ROW = "g, 0, jsonb_build_object('id', g, 'tags', (SELECT jsonb_agg(encode("
            + "sha512((g * 100 + k)::text::bytea), 'hex')) FROM generate_series(1, 60) k))";

    /** Rows per transaction of the W4 load and of its updates. */
    static final int JSON_BATCH = 1000;

    private final RunSpec.Server server;
    private final String database;
    private final Connection connection;

    PgFixture(RunSpec.Server server, String database) throws SQLException {
        this(server, database, false);
    }

    /** A scratch database; {@code json}: with W4's table instead of the 10-column one. */
    PgFixture(RunSpec.Server server, String database, boolean json) throws SQLException {
        this.server = server;
        this.database = database;
        try (Connection admin = connect("postgres")) {
            execute(admin, "CREATE DATABASE " + database);
        }
        this.connection = connect(database);
        execute(connection, "SET synchronous_commit = off");
        if (json) {
            execute(connection, "CREATE TABLE bench (id bigint PRIMARY KEY, counter bigint NOT NULL, doc jsonb)");
            return;
        }
        execute(connection, "CREATE TABLE bench (id bigint PRIMARY KEY, i int, b bigint, d1 double precision,"
                + " d2 double precision, amount numeric(12,2), s1 varchar(32), s2 varchar(32), ts timestamptz,"
                + " flag boolean)");
        execute(connection, "CREATE PROCEDURE bench_inserts(first int, n int) LANGUAGE plpgsql AS $$ BEGIN"
                + " FOR g IN first..first + n - 1 LOOP INSERT INTO bench SELECT " + ROW + "; COMMIT; END LOOP;"
                + " END $$");
        execute(connection, "CREATE PROCEDURE bench_mixed(base int, n int) LANGUAGE plpgsql AS $$"
                + " DECLARE ins int := 0; del int := 0; g int; BEGIN"
                + " FOR k IN 0..n - 1 LOOP"
                + "  IF k % 10 < 7 THEN UPDATE bench SET i = i + 1, s1 = md5(k::text)::varchar(32), ts = now()"
                + "   WHERE id = 1 + (k::bigint * 7919) % (base * 8 / 10);"
                + "  ELSIF k % 10 < 9 THEN g := base + 1 + ins; ins := ins + 1; INSERT INTO bench SELECT " + ROW + ";"
                + "  ELSE DELETE FROM bench WHERE id = base - del; del := del + 1; END IF;"
                + "  IF k % 10 = 9 THEN COMMIT; END IF;"
                + " END LOOP; COMMIT; END $$");
    }

    String database() {
        return database;
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + db,
                server.user(), server.password());
    }

    /** Rows 1..n in one transaction (the snapshot table, the W3 base table, W5's single transaction). */
    void loadRows(int n) throws SQLException {
        execute(connection, "INSERT INTO bench SELECT " + ROW + " FROM generate_series(1, " + n + ") g");
        execute(connection, "VACUUM ANALYZE bench");
    }

    /** Rows first..first+n-1, each inserted and committed in its own transaction. */
    void singleRowInserts(int first, int n) throws SQLException {
        execute(connection, "CALL bench_inserts(" + first + ", " + n + ")");
    }

    /** n operations on the base table of {@code base} rows: 70% update, 20% insert, 10% delete. */
    void mixed(int base, int n) throws SQLException {
        execute(connection, "CALL bench_mixed(" + base + ", " + n + ")");
    }

    /** W4's rows 1..n, {@link #JSON_BATCH} per transaction. */
    void loadJsonRows(int n) throws SQLException {
        for (int first = 1; first <= n; first += JSON_BATCH) {
            execute(connection, "INSERT INTO bench SELECT " + JSON_ROW + " FROM generate_series(" + first + ", "
                    + Math.min(n, first + JSON_BATCH - 1) + ") g");
        }
    }

    /** W4's updates: the counter of rows 1..n incremented, the JSON left alone, {@link #JSON_BATCH} per transaction. */
    void updateCounters(int n) throws SQLException {
        for (int first = 1; first <= n; first += JSON_BATCH) {
            execute(connection, "UPDATE bench SET counter = counter + 1 WHERE id BETWEEN " + first + " AND "
                    + Math.min(n, first + JSON_BATCH - 1));
        }
    }

    void createPublication(String name) throws SQLException {
        execute(connection, "CREATE PUBLICATION " + name + " FOR TABLE bench");
    }

    void createSlot(String slot) throws SQLException {
        query("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    /** A new slot at exactly the template's position: the run reads the same log as every other run. */
    void copySlot(String template, String slot) throws SQLException {
        query("SELECT pg_copy_logical_replication_slot('" + template + "', '" + slot + "')");
    }

    void dropSlot(String slot) throws SQLException {
        query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }

    String currentLsn() throws SQLException {
        return query("SELECT pg_current_wal_lsn()::text");
    }

    /** The snapshot ceiling: {@code COPY bench TO STDOUT (FORMAT binary)} into nothing; returns milliseconds. */
    long copyBinary() throws SQLException, java.io.IOException {
        long t0 = System.nanoTime();
        connection.unwrap(PGConnection.class).getCopyAPI()
                .copyOut("COPY bench TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Drops what an earlier harness left behind when it was killed: scratch databases ({@code sluice_bench_*}) that
     * no session uses and no active slot reads, with their slots, which would otherwise keep WAL forever. A running
     * harness holds a connection to its database for as long as it uses it, so its database is never taken.
     */
    static void dropAbandoned(RunSpec.Server server) throws SQLException {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres", server.user(),
                server.password())) {
            java.util.List<String> abandoned = new java.util.ArrayList<>();
            try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT d.datname FROM pg_database d WHERE d.datname LIKE 'sluice\\_bench\\_%'"
                            + " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid)"
                            + " AND NOT EXISTS (SELECT 1 FROM pg_replication_slots r WHERE r.database = d.datname"
                            + " AND r.active)")) {
                while (rs.next()) {
                    abandoned.add(rs.getString(1));
                }
            }
            for (String database : abandoned) {
                BenchmarkMain.log("dropping %s and its slots, left behind by an earlier run", database);
                try (PreparedStatement ps = admin.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                        + " FROM pg_replication_slots WHERE database = ? AND NOT active")) {
                    ps.setString(1, database);
                    ps.execute();
                }
                execute(admin, "DROP DATABASE IF EXISTS \"" + database + "\"");
            }
        }
    }

    /** Drops the database with every slot on it. */
    @Override
    public void close() throws SQLException {
        connection.close();
        try (Connection admin = connect("postgres")) {
            for (int attempt = 0; attempt < 20; attempt++) {
                try (PreparedStatement ps = admin.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                        + " FROM pg_replication_slots WHERE database = ? AND NOT active")) {
                    ps.setString(1, database);
                    ps.execute();
                }
                try (PreparedStatement ps = admin.prepareStatement(
                        "SELECT count(*) FROM pg_replication_slots WHERE database = ?")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            break;
                        }
                    }
                }
                sleep();
            }
            execute(admin, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String query(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}

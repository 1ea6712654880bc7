package dev.sluice.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The MariaDB side of the benchmark's data: a scratch database with the same {@code bench} table as on
 * PostgreSQL (timestamp(6) for timestamptz, bool = tinyint(1); for W4 bigint key, bigint counter, ~8 KB
 * {@code JSON}, which MariaDB stores as a LONGTEXT with a {@code json_valid} check), the loads done server-side (the sequence engine,
 * a procedure committing each row), the binlog position before a backlog, and the snapshot ceiling. Not
 * thread-safe.
 */
final class MariaDbFixture implements AutoCloseable {

    static final String ROW = "seq, seq % 1000, seq * 3, seq * 0.5, (seq % 997) / 7.0, (seq % 100000) / 100.0,"
            + " md5(seq), concat('name-', seq), timestamp'2024-01-01 00:00:00' + interval seq second, seq % 2 = 0";

    /** W4's row with key {@code g.seq}: the same JSON document as {@link PgFixture#JSON_ROW}. */
    static final String JSON_ROW = "g.seq, 0, (SELECT JSON_OBJECT('id', g.seq, 'tags', JSON_ARRAYAGG(SHA2(g.seq * 100"
            + " + k.seq, 512))) FROM seq_1_to_60 k)";

    private final RunSpec.Server server;
    private final String database;
    private final Connection connection;

    MariaDbFixture(RunSpec.Server server, String database) throws SQLException {
        this(server, database, false);
    }

    /** A scratch database; {@code json}: with W4's table instead of the 10-column one. */
    MariaDbFixture(RunSpec.Server server, String database, boolean json) throws SQLException {
        this.server = server;
        this.database = database;
        try (Connection admin = connect("")) {
            PgFixture.execute(admin, "CREATE DATABASE " + database);
        }
        this.connection = connect(database);
        PgFixture.execute(connection, "SET time_zone = '+00:00'");
        if (json) {
            PgFixture.execute(connection, "CREATE TABLE bench (id bigint PRIMARY KEY, counter bigint NOT NULL,"
                    + " doc JSON) ENGINE=InnoDB");
            return;
        }
        PgFixture.execute(connection, "CREATE TABLE bench (id bigint PRIMARY KEY, i int, b bigint, d1 double,"
                + " d2 double, amount decimal(12,2), s1 varchar(32), s2 varchar(32), ts timestamp(6) NULL, flag bool)"
                + " ENGINE=InnoDB");
        PgFixture.execute(connection, "CREATE PROCEDURE bench_inserts(first int, n int) BEGIN DECLARE seq int"
                + " DEFAULT first; WHILE seq < first + n DO INSERT INTO bench SELECT " + ROW + "; COMMIT;"
                + " SET seq = seq + 1; END WHILE; END");
        PgFixture.execute(connection, "CREATE PROCEDURE bench_mixed(base int, n int) BEGIN"
                + " DECLARE k int DEFAULT 0; DECLARE ins int DEFAULT 0; DECLARE del int DEFAULT 0; DECLARE seq int;"
                + " START TRANSACTION;"
                + " WHILE k < n DO"
                + "  IF k % 10 < 7 THEN UPDATE bench SET i = i + 1, s1 = md5(k), ts = now(6)"
                + "   WHERE id = 1 + (k * 7919) % (base * 8 DIV 10);"
                + "  ELSEIF k % 10 < 9 THEN SET seq = base + 1 + ins; SET ins = ins + 1; INSERT INTO bench SELECT " + ROW
                + ";  ELSE DELETE FROM bench WHERE id = base - del; SET del = del + 1; END IF;"
                + "  IF k % 10 = 9 THEN COMMIT; START TRANSACTION; END IF;"
                + "  SET k = k + 1;"
                + " END WHILE; COMMIT; END");
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + server.host() + ":" + server.port() + "/" + db,
                server.user(), server.password());
    }

    void loadRows(int n) throws SQLException {
        PgFixture.execute(connection, "INSERT INTO bench SELECT " + ROW + " FROM seq_1_to_" + n);
    }

    void singleRowInserts(int first, int n) throws SQLException {
        PgFixture.execute(connection, "CALL bench_inserts(" + first + ", " + n + ")");
    }

    void mixed(int base, int n) throws SQLException {
        PgFixture.execute(connection, "CALL bench_mixed(" + base + ", " + n + ")");
    }

    /** W4's rows 1..n, {@link PgFixture#JSON_BATCH} per transaction. */
    void loadJsonRows(int n) throws SQLException {
        for (int first = 1; first <= n; first += PgFixture.JSON_BATCH) {
            PgFixture.execute(connection, "INSERT INTO bench SELECT " + JSON_ROW + " FROM seq_" + first + "_to_"
                    + Math.min(n, first + PgFixture.JSON_BATCH - 1) + " g");
        }
    }

    /** W4's updates of rows 1..n: the counter only, {@link PgFixture#JSON_BATCH} per transaction. */
    void updateCounters(int n) throws SQLException {
        for (int first = 1; first <= n; first += PgFixture.JSON_BATCH) {
            PgFixture.execute(connection, "UPDATE bench SET counter = counter + 1 WHERE id BETWEEN " + first + " AND "
                    + Math.min(n, first + PgFixture.JSON_BATCH - 1));
        }
    }

    /** The binlog file, position and GTID position after everything written so far. */
    String[] position() throws SQLException {
        String file;
        String position;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            file = rs.getString(1);
            position = rs.getString(2);
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return new String[] {file, position, rs.getString(1)};
        }
    }

    /** The binlog files from {@code first} to the newest, in order. */
    List<String> binlogsFrom(String first) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                if (rs.getString(1).compareTo(first) >= 0) {
                    files.add(rs.getString(1));
                }
            }
        }
        return files;
    }

    /** The snapshot ceiling: every row of {@code bench} streamed and read as text; returns milliseconds. */
    long streamSelect() throws SQLException {
        long t0 = System.nanoTime();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.setFetchSize(2000);
            try (ResultSet rs = s.executeQuery("SELECT * FROM bench")) {
                int columns = rs.getMetaData().getColumnCount();
                long chars = 0;
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        chars += v == null ? 0 : v.length();
                    }
                }
                if (chars < 0) {
                    throw new IllegalStateException("unreachable");
                }
            }
        } finally {
            connection.commit();
            connection.setAutoCommit(true);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
        try (Connection admin = connect("")) {
            PgFixture.execute(admin, "DROP DATABASE IF EXISTS " + database);
        }
    }
}

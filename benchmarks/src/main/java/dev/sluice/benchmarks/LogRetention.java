package dev.sluice.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How much log W6's snapshot makes the server keep. PostgreSQL: the WAL the run's slot retains
 * ({@code pg_current_wal_lsn() - restart_lsn}), sampled every second on a thread of its own, and its peak. MariaDB
 * has no slot: the binlog is kept by the server's expiry settings whatever its readers do, so what is reported is
 * the binlog bytes written from {@link #start()} to {@link #stop()}: the log a reader must still find if it stops
 * during the snapshot. Also the table's size, the yardstick of both.
 */
final class LogRetention implements AutoCloseable {

    private final Connection connection;
    private final boolean postgres;
    private final String slot;
    private final Thread sampler;
    private volatile boolean stopping;
    private volatile long peak = -1;
    private String[] startPosition;

    LogRetention(String url, RunSpec.Server server, boolean postgres, String slot) throws SQLException {
        this.connection = DriverManager.getConnection(url, server.user(), server.password());
        this.postgres = postgres;
        this.slot = slot;
        this.sampler = new Thread(this::sample, "w6-wal-sampler");
        sampler.setDaemon(true);
    }

    /** Bytes of table {@code bench} with its indexes (and TOAST) as the catalog says now. */
    long tableBytes() throws SQLException {
        String sql = postgres ? "SELECT pg_total_relation_size('bench')"
                : "SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = database()"
                        + " AND table_name = 'bench'";
        if (!postgres) {
            PgFixture.execute(connection, "ANALYZE TABLE bench"); // InnoDB's sizes are statistics: refresh them
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void start() throws SQLException {
        if (postgres) {
            sampler.start();
        } else {
            startPosition = position();
        }
    }

    /** PostgreSQL: the peak WAL the slot retained; MariaDB: the binlog bytes written since {@link #start()}. */
    long stop() throws SQLException, InterruptedException {
        if (postgres) {
            stopping = true;
            sampler.join();
            return peak;
        }
        String[] end = position();
        long bytes = Long.parseLong(end[1]) - Long.parseLong(startPosition[1]);
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String file = rs.getString(1);
                if (file.compareTo(startPosition[0]) >= 0 && file.compareTo(end[0]) < 0) {
                    bytes += rs.getLong(2); // whole files before the end file; the start file's first bytes are
                }                           // taken off above
            }
        }
        return bytes;
    }

    private String[] position() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    private void sample() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(),"
                + " restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            while (!stopping) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) { // the run creates the slot when it starts
                        peak = Math.max(peak, rs.getLong(1));
                    }
                }
                Thread.sleep(1000);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("sampling the WAL retained by slot " + slot + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws SQLException {
        stopping = true;
        connection.close();
    }
}

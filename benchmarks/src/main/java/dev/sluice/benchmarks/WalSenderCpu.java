package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time PostgreSQL's walsender spends serving one replication slot during a run: the server's share of
 * the cost of log capture, which both systems pay and which competes with them for the same cores. Polls the
 * slot's {@code active_pid} and reads that process's {@code /proc/<pid>/stat} (user + system time) until
 * {@link #stop()}; a slot served by several walsenders in turn (reconnects) adds them up. Works only when the
 * server runs on this machine; otherwise {@link #stop()} returns -1.
 */
final class WalSenderCpu implements AutoCloseable {

    private static final long POLL_MILLIS = 100;
    /** Clock ticks per second of {@code /proc/<pid>/stat} times: 100 on Linux x86-64 ({@code getconf CLK_TCK}). */
    private static final long TICKS_PER_SECOND = 100;

    private final Connection connection;
    private final String slot;
    private final Map<Long, Long> ticksByPid = new HashMap<>();
    private final Thread poller;
    private volatile boolean stopped;
    private volatile boolean unavailable;

    WalSenderCpu(RunSpec.Server server, String database, String slot) throws SQLException {
        this.connection = DriverManager.getConnection(
                "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database, server.user(),
                server.password());
        this.slot = slot;
        this.poller = new Thread(this::poll, "walsender-cpu-" + slot);
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            while (!stopped) {
                sample(query);
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException | InterruptedException e) {
            unavailable = true;
        }
    }

    private void sample(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            if (!rs.next() || rs.getObject(1) == null) {
                return;
            }
            long pid = rs.getLong(1);
            long ticks = ticks(pid);
            if (ticks >= 0) {
                ticksByPid.merge(pid, ticks, Math::max);
            } else if (!ticksByPid.containsKey(pid)) {
                unavailable = true; // not on this machine, or not readable
            }
        }
    }

    /** utime + stime of a process, in clock ticks; -1 if it cannot be read. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the whole line
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Stops polling; the walsender CPU in milliseconds, or -1 if it could not be measured. */
    long stop() throws InterruptedException {
        stopped = true;
        poller.join();
        if (unavailable || ticksByPid.isEmpty()) {
            return -1;
        }
        long ticks = ticksByPid.values().stream().mapToLong(Long::longValue).sum();
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    @Override
    public void close() throws SQLException {
        stopped = true;
        connection.close();
    }
}

package dev.sluice.source.mysql;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.capture.HealthProbe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Measures the binlog a pipeline still needs, on a connection of its own (see {@link HealthProbe}): the files of
 * {@code SHOW BINARY LOGS} against the position the pipeline last committed (or resumed from), and the server's
 * expiry ({@code binlog_expire_logs_seconds}, {@code expire_logs_days}). The server keeps binlogs by age, not by
 * replica progress, so the risk is the needed file being the oldest one left. The age of a file cannot be read
 * over SQL, so how long until expiry reaches it is not known. Levels: see {@link #assess}.
 */
final class BinlogHealth implements HealthProbe.Check {

    private static final int QUERY_TIMEOUT_SECONDS = 5;

    /** One line of {@code SHOW BINARY LOGS}. */
    record LogFile(String name, long size) {}

    private final MySqlSource source;
    /** The position the pipeline needs: the last one it committed, or the one it started from. */
    private final Supplier<MySqlOffset> needed;
    private Connection connection;

    BinlogHealth(MySqlSource source, Supplier<MySqlOffset> needed) {
        this.source = source;
        this.needed = needed;
    }

    @Override
    public SourceHealth check(Clock clock) throws SQLException {
        MySqlOffset at = needed.get();
        if (connection == null) {
            connection = source.connect();
        }
        List<LogFile> files = new ArrayList<>();
        long expireSeconds = 0;
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    files.add(new LogFile(rs.getString(1), rs.getLong(2)));
                }
            }
            try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                    + " ('binlog_expire_logs_seconds', 'expire_logs_days')")) {
                while (rs.next()) {
                    double value = Double.parseDouble(rs.getString(2));
                    long seconds = rs.getString(1).equalsIgnoreCase("expire_logs_days")
                            ? Math.round(value * 86_400) : Math.round(value);
                    // the server applies the one set; where both are, binlog_expire_logs_seconds rules
                    if (seconds > 0 && (expireSeconds == 0 || rs.getString(1).startsWith("binlog"))) {
                        expireSeconds = seconds;
                    }
                }
            }
        }
        if (at == null) {
            return SourceHealth.unknown("the pipeline has no binlog position yet");
        }
        String[] start = neededStart(at);
        return assess(files, start[0], Long.parseLong(start[1]), expireSeconds, clock.instant());
    }

    /** Where a resume from {@code offset} reads from: its group, or the oldest XA transaction prepared before it. */
    static String[] neededStart(MySqlOffset offset) {
        String file = offset.file();
        long position = offset.position();
        for (String xa : offset.preparedXa()) {
            int colon = xa.lastIndexOf(':');
            String xaFile = xa.substring(0, colon);
            long xaPosition = Long.parseLong(xa.substring(colon + 1));
            int order = MySqlOffset.compareFiles(xaFile, file);
            if (order < 0 || order == 0 && xaPosition < position) {
                file = xaFile;
                position = xaPosition;
            }
        }
        return new String[] {file, Long.toString(position)};
    }

    /**
     * The risk from the server's binlog files and the position needed: CRITICAL if the needed file was purged;
     * WARNING if it is the oldest file left but not the current one, while an expiry is set (the next expiry may
     * remove it); else OK (the current file is never purged, and without an expiry only a manual
     * {@code PURGE BINARY LOGS} removes files). Backlog: the binlog bytes after the position; retained: all files.
     *
     * @param files {@code SHOW BINARY LOGS}, oldest first
     * @param expireSeconds the binlog expiry in seconds, 0 for none
     */
    static SourceHealth assess(List<LogFile> files, String file, long position, long expireSeconds, Instant at) {
        long retained = 0;
        int index = -1;
        long backlog = 0;
        for (int i = 0; i < files.size(); i++) {
            LogFile f = files.get(i);
            retained += f.size();
            if (f.name().equals(file)) {
                index = i;
                backlog += Math.max(0, f.size() - position);
            } else if (index >= 0) {
                backlog += f.size();
            }
        }
        String expiry = expireSeconds > 0 ? "binlog expiry " + expireSeconds + " s" : "no binlog expiry set";
        if (index < 0) {
            boolean purged = files.isEmpty() || MySqlOffset.compareFiles(file, files.get(0).name()) < 0;
            SourceHealth gone = new SourceHealth(Risk.CRITICAL, "", -1, null, retained, -1, -1, null, at);
            return purged ? gone.withRisk(Risk.CRITICAL, "binlog file " + file + ", which the pipeline needs, was"
                    + " purged (" + expiry + "; the oldest left is " + (files.isEmpty() ? "none" : files.get(0).name())
                    + "): the pipeline cannot resume. Fix: re-snapshot (delete the pipeline's stored offset); raise"
                    + " binlog_expire_logs_seconds so that the binlogs outlast the pipeline's longest stop.")
                    : SourceHealth.unknown("binlog file " + file + " is not listed by SHOW BINARY LOGS yet");
        }
        SourceHealth measured = new SourceHealth(Risk.OK, "", backlog, null, retained, -1, -1, null, at);
        int behind = files.size() - 1 - index;
        String state = "the pipeline needs binlog file " + file + " (from position " + position + "), " + index
                + " file(s) after the oldest one left and " + behind + " before the current one; " + mb(backlog)
                + " of binlog after it, " + mb(retained) + " kept in all (" + expiry + ")";
        if (index == 0 && behind > 0 && expireSeconds > 0) {
            return measured.withRisk(Risk.WARNING, state + ": it is the oldest file left, so the next expiry may"
                    + " remove it. Fix: speed up the sink (or find why the pipeline does not commit), or raise"
                    + " binlog_expire_logs_seconds.");
        }
        if (index == 0 && behind > 0) {
            return measured.withRisk(Risk.OK, state + ": it is the oldest file left; only a PURGE BINARY LOGS past"
                    + " it would remove it.");
        }
        return measured.withRisk(Risk.OK, state + ".");
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a broken connection: nothing to release
            }
        }
    }
}

package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks the server can be captured from, and reads binlog positions. Stateless; callers own the connection. */
final class ServerChecks {

    private static final int SPECIFIC_ACCESS_DENIED = 1227;
    private static final int PARSE_ERROR = 1064;

    private ServerChecks() {}

    /**
     * Checks the binlog settings and the replica id, and says whether the server is MariaDB.
     *
     * @throws FatalException naming the setting to change
     */
    static boolean check(Connection c, long serverId, String address) throws SQLException {
        Map<String, String> vars = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format',"
                        + " 'binlog_row_image', 'binlog_row_metadata', 'server_id', 'version')")) {
            while (rs.next()) {
                vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        expect(vars, "log_bin", "ON", address, "log_bin (log_bin=mysql-bin in the [mysqld] option group, then restart"
                + " the server)");
        expect(vars, "binlog_format", "ROW", address, "binlog_format=ROW (SET GLOBAL binlog_format=ROW and in the"
                + " option file)");
        expect(vars, "binlog_row_image", "FULL", address, "binlog_row_image=FULL (SET GLOBAL binlog_row_image=FULL"
                + " and in the option file)");
        if (!vars.containsKey("binlog_row_metadata")) {
            throw new FatalException(address + " has no binlog_row_metadata setting, so its binlog carries no column"
                    + " names. Fix: use MySQL 8.0.1+ or MariaDB 10.5+ with binlog_row_metadata=FULL");
        }
        expect(vars, "binlog_row_metadata", "FULL", address, "binlog_row_metadata=FULL (SET GLOBAL"
                + " binlog_row_metadata=FULL and in the option file)");
        if (String.valueOf(serverId).equals(vars.get("server_id"))) {
            throw new FatalException("the source's serverId " + serverId + " is the server_id of " + address + " itself."
                    + " Fix: give the source a unique serverId(…), different from every server and replica");
        }
        return String.valueOf(vars.get("version")).toLowerCase(Locale.ROOT).contains("mariadb");
    }

    private static void expect(Map<String, String> vars, String name, String wanted, String address, String fix) {
        String value = vars.get(name);
        if (!wanted.equalsIgnoreCase(value)) {
            throw new FatalException(address + " has " + name + "=" + value + ", but binlog capture needs " + name + "="
                    + wanted + ". Fix: set " + fix);
        }
    }

    /** The server's current binlog file and position (where the next transaction will be written). */
    static MySqlOffset currentPosition(Connection c, String user) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = masterStatus(s, user)) {
            if (!rs.next()) {
                throw new FatalException("SHOW MASTER STATUS returns nothing: the server writes no binlog."
                        + " Fix: enable log_bin");
            }
            return MySqlOffset.binlog(rs.getString(1), rs.getLong(2), 0, null);
        }
    }

    private static ResultSet masterStatus(Statement s, String user) throws SQLException {
        try {
            return s.executeQuery("SHOW MASTER STATUS");
        } catch (SQLException e) {
            if (e.getErrorCode() == PARSE_ERROR) {
                // MySQL 8.4 renamed it
                return s.executeQuery("SHOW BINARY LOG STATUS");
            }
            throw denied(e, user);
        }
    }

    /**
     * Checks the server still has the binlog file an offset names.
     *
     * @throws FatalException if it was purged
     */
    static void checkNotPurged(Connection c, MySqlOffset offset, String user) throws SQLException {
        Set<String> files = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw denied(e, user);
        }
        if (!files.contains(offset.file())) {
            throw new FatalException("the stored offset " + offset.encode() + " names binlog file " + offset.file()
                    + ", which the server no longer has (it was purged; it has " + files.size() + " binlog files)."
                    + " The changes in between are lost to binlog capture. Fix: delete this pipeline's stored offset to"
                    + " take a new snapshot, and keep binlogs longer (binlog_expire_logs_seconds)");
        }
    }

    /**
     * Before a stream's first position (a snapshot, or a start at the head): no XA transaction may be prepared and
     * uncommitted, since its rows would be in neither the snapshot (not committed) nor the stream (written before
     * its start).
     *
     * @throws RetriableException while some are prepared: the pipeline retries until they are resolved
     */
    static void checkNoPreparedXa(Connection c, String address) throws SQLException {
        List<String> xids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                xids.add(rs.getString("data"));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == SPECIFIC_ACCESS_DENIED || e.getErrorCode() == 1142) {
                throw new FatalException("the source may not list prepared XA transactions at " + address + " ("
                        + e.getMessage() + "). Fix: GRANT XA_RECOVER_ADMIN ON *.* TO the user (MySQL 8.0.19+)", e);
            }
            throw e;
        }
        if (!xids.isEmpty()) {
            throw new RetriableException(xids.size() + " XA transaction(s) are prepared and not committed at " + address
                    + " (" + String.join(", ", xids.subList(0, Math.min(5, xids.size()))) + "): their rows would be"
                    + " in neither the snapshot nor the stream. Waiting until they are committed or rolled back"
                    + " (XA RECOVER lists them; XA COMMIT or XA ROLLBACK resolves them)");
        }
    }

    /** The server's identity: {@code @@server_uuid} on MySQL, {@code @@server_id} on MariaDB (which has no UUID). */
    static String identity(Connection c, boolean mariaDb) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(mariaDb ? "SELECT @@server_id" : "SELECT @@server_uuid")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * MariaDB: the GTID state at a binlog position (the last GTID of each domain before it), or null if the server
     * has no such position (not an event boundary, or beyond the file's end).
     */
    static String gtidStateAt(Connection c, String file, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            ps.setString(1, file);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Two GTID states (comma-separated GTIDs) hold the same GTIDs. */
    static boolean sameState(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return new HashSet<>(Arrays.asList(a.replace(" ", "").split(",")))
                .equals(new HashSet<>(Arrays.asList(b.replace(" ", "").split(","))));
    }

    private static SQLException denied(SQLException e, String user) {
        if (e.getErrorCode() == SPECIFIC_ACCESS_DENIED) {
            throw new FatalException("user " + user + " may not read binlog positions (" + e.getMessage() + ")."
                    + " Fix: GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO the user (MariaDB 10.5+ also"
                    + " accepts BINLOG MONITOR)", e);
        }
        return e;
    }
}

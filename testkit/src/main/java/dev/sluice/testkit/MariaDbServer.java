package dev.sluice.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The MariaDB (or MySQL) server of the tests: needs the binlog on, in ROW format with FULL row
 * images. Thread-safe.
 */
final class MariaDbServer extends DatabaseServer {

    /** ER_NO_SUCH_THREAD: the connection ended between listing and killing it. */
    private static final int NO_SUCH_THREAD = 1094;

    MariaDbServer(ServerAddress address) {
        super(address, "MariaDB", "log_bin=ON, binlog_format=ROW and binlog_row_image=FULL");
    }

    @Override
    String url(String database) {
        return "jdbc:mariadb://" + address().authority() + "/" + database;
    }

    @Override
    Properties properties(String user, String password, int connectTimeoutMillis) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", Integer.toString(connectTimeoutMillis));
        return p;
    }

    @Override
    String probe() {
        Map<String, String> settings = new HashMap<>();
        try (Connection c = probeConnect("", false);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                        + "('log_bin', 'binlog_format', 'binlog_row_image')")) {
            while (rs.next()) {
                settings.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        } catch (SQLException e) {
            return describe() + " does not accept user " + address().user() + " (" + e.getMessage() + ")";
        }
        try (Connection c = probeConnect("", true); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            return describe() + " does not accept admin user " + address().adminUser() + " ("
                    + e.getMessage() + ")";
        }
        List<String> wrong = new ArrayList<>();
        expect(settings, "log_bin", "ON", wrong);
        expect(settings, "binlog_format", "ROW", wrong);
        expect(settings, "binlog_row_image", "FULL", wrong);
        return wrong.isEmpty() ? null : describe() + " has " + String.join(", ", wrong);
    }

    private static void expect(Map<String, String> settings, String name, String wanted, List<String> wrong) {
        String value = settings.get(name);
        if (!wanted.equalsIgnoreCase(value)) {
            wrong.add(name + "=" + value);
        }
    }

    @Override
    void create(String name) throws SQLException {
        // the application user already has ALL on `sluice\_%`.*, so it needs no grant of its own
        try (Connection c = adminConnect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quote(name, '`'));
        }
    }

    @Override
    void drop(String name) throws SQLException {
        try (Connection c = adminConnect(""); Statement s = c.createStatement()) {
            // a connection left in a transaction holds metadata locks that would block the DROP
            // for lock_wait_timeout (a year by default): end such connections first
            for (long id : connectionsUsing(c, name)) {
                try {
                    s.execute("KILL CONNECTION " + id);
                } catch (SQLException e) {
                    if (e.getErrorCode() != NO_SUCH_THREAD) {
                        throw e;
                    }
                }
            }
            s.execute("SET SESSION lock_wait_timeout = 30");
            s.execute("DROP DATABASE IF EXISTS " + quote(name, '`'));
        }
    }

    private static List<Long> connectionsUsing(Connection c, String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    @Override
    TestDatabase handle(String name) {
        return new MariaDbDatabase(this, name);
    }
}

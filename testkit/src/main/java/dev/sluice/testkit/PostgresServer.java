package dev.sluice.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The PostgreSQL server of the tests: needs {@code wal_level=logical}. Thread-safe. */
final class PostgresServer extends DatabaseServer {

    /** How long a dropped test database's replication slots may take to let go. */
    private static final long SLOT_RELEASE_NANOS = 10_000_000_000L;
    /** SQLSTATE object_in_use: the slot is still held by a walsender that is exiting. */
    private static final String OBJECT_IN_USE = "55006";
    /** SQLSTATE undefined_object: someone else dropped the slot meanwhile. */
    private static final String UNDEFINED_OBJECT = "42704";

    PostgresServer(ServerAddress address) {
        super(address, "PostgreSQL", "wal_level=logical");
    }

    @Override
    String url(String database) {
        return "jdbc:postgresql://" + address().authority() + "/" + database;
    }

    @Override
    Properties properties(String user, String password, int connectTimeoutMillis) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        // pgjdbc counts in whole seconds
        p.setProperty("connectTimeout", Integer.toString(Math.max(1, connectTimeoutMillis / 1000)));
        p.setProperty("loginTimeout", "10");
        return p;
    }

    @Override
    String probe() {
        String walLevel;
        try (Connection c = probeConnect("postgres", false);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            walLevel = rs.getString(1);
        } catch (SQLException e) {
            return describe() + " does not accept user " + address().user() + " (" + e.getMessage() + ")";
        }
        try (Connection c = probeConnect("postgres", true);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return describe() + ": admin user " + address().adminUser() + " is no superuser";
            }
        } catch (SQLException e) {
            return describe() + " does not accept admin user " + address().adminUser() + " ("
                    + e.getMessage() + ")";
        }
        if (!"logical".equals(walLevel)) {
            return describe() + " has wal_level=" + walLevel + " but logical decoding needs logical";
        }
        return null;
    }

    @Override
    void create(String name) throws SQLException {
        try (Connection c = adminConnect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quote(name, '"') + " OWNER " + quote(address().user(), '"'));
        }
    }

    @Override
    void drop(String name) throws SQLException {
        try (Connection c = adminConnect("postgres")) {
            // DROP DATABASE refuses while a replication slot points at the database, even WITH (FORCE)
            dropReplicationSlots(c, name);
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + quote(name, '"') + " WITH (FORCE)");
            }
        }
    }

    @Override
    TestDatabase handle(String name) {
        return new PostgresDatabase(this, name);
    }

    /** Terminates the walsenders that hold the database's slots, then drops the slots. */
    private static void dropReplicationSlots(Connection c, String database) throws SQLException {
        long deadline = System.nanoTime() + SLOT_RELEASE_NANOS;
        List<String> held = releaseSlots(c, database);
        while (!held.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new SQLException("replication slots " + held + " of database " + database
                        + " are still in use after their walsenders were terminated");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while dropping the replication slots of " + database, e);
            }
            held = releaseSlots(c, database);
        }
    }

    /** One round: terminate the active slots' walsenders, drop the inactive slots; returns those left. */
    private static List<String> releaseSlots(Connection c, String database) throws SQLException {
        List<String> held = new ArrayList<>();
        try (PreparedStatement slots = c.prepareStatement(
                "SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = ?")) {
            slots.setString(1, database);
            try (ResultSet rs = slots.executeQuery()) {
                while (rs.next()) {
                    String slot = rs.getString(1);
                    int pid = rs.getInt(2);
                    if (!rs.wasNull()) {
                        // the walsender exits asynchronously: the slot is dropped on a later round
                        call(c, "SELECT pg_terminate_backend(?)", pid);
                        held.add(slot);
                    } else if (!dropSlot(c, slot)) {
                        held.add(slot);
                    }
                }
            }
        }
        return held;
    }

    private static boolean dropSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
            return true;
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                return true;
            }
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private static void call(Connection c, String sql, int argument) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, argument);
            ps.execute();
        }
    }
}

package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One running binlog stream per replica server id: the stream holds a server-side named lock ({@code GET_LOCK}) on
 * its lookup connection for as long as it runs. A second process of the same pipeline (same server id) finds the
 * lock taken and stops at once, instead of connecting with the same server id, which makes the server drop the
 * first's binlog connection, and the two would take turns forever. The server releases the lock when the holding
 * connection ends, also when its process dies. Stateless; the caller owns the connection.
 */
final class PipelineLock {

    private PipelineLock() {}

    /** The lock's name for a server id (names are server-wide, at most 64 characters). */
    static String name(long serverId) {
        return "sluice.binlog." + serverId;
    }

    /**
     * Takes the lock on {@code c}. If a connection of this JVM's earlier stream of the same source still holds it
     * (the server has not noticed that it is gone), that connection is ended first.
     *
     * @param previous the connection id of this source's previous stream in this process, or -1
     * @return the id of {@code c}, which now holds the lock
     * @throws FatalException if another live connection holds it: the pipeline is already running elsewhere
     */
    static long acquire(Connection c, String pipeline, long serverId, long previous) throws SQLException {
        String name = name(serverId);
        if (tryLock(c, name)) {
            return connectionId(c);
        }
        long holder = holder(c, name);
        if (holder > 0 && holder == previous) {
            try (Statement s = c.createStatement()) {
                s.execute("KILL CONNECTION " + holder);
            } catch (SQLException e) {
                // it ended by itself meanwhile
            }
            for (int attempt = 0; attempt < 50; attempt++) {
                if (tryLock(c, name)) {
                    return connectionId(c);
                }
                sleep();
            }
        }
        throw new FatalException("pipeline " + pipeline + " is already running (another process streams the binlog"
                + " with replica server id " + serverId + ": it holds the lock '" + name + "' on connection "
                + holder + describe(c, holder) + "). Fix: stop the other process first; two processes of one pipeline"
                + " would take the binlog connection from each other. To run both, give them different pipeline"
                + " names (or serverId(…)).");
    }

    /** Releases the lock if {@code c} holds it; a broken connection has lost it anyway. */
    static void release(Connection c, long serverId) {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, name(serverId));
            ps.executeQuery().close();
        } catch (SQLException e) {
            // the connection is gone, and with it the lock
        }
    }

    private static boolean tryLock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    private static long holder(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long connectionId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** ", from host h" where the process list shows it (PROCESS privilege), else nothing. */
    private static String describe(Connection c, long id) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT HOST, USER FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ", user " + rs.getString(2) + " from " + rs.getString(1) : "";
            }
        } catch (SQLException e) {
            return "";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException("interrupted while taking over the binlog lock", e);
        }
    }
}

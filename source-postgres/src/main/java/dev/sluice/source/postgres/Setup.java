package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the source checks and owns on the server: the pre-conditions (wal_level, the REPLICATION attribute, a key
 * or REPLICA IDENTITY FULL on every table), the publication, and the replication slot. Each failure that
 * configuration must fix is a {@link FatalException} naming the fix.
 */
final class Setup {

    private static final Logger log = LoggerFactory.getLogger(Setup.class);

    /** A slot as {@code pg_replication_slots} shows it; {@code lost}: the server removed WAL it still needed. */
    record SlotState(String plugin, String database, long confirmedFlush, int activePid, boolean lost) {
        boolean active() {
            return activePid != 0;
        }
    }

    /** A server session: its backend pid and application_name (null if the server does not show it). */
    record Session(int pid, String applicationName) {}

    /** The first key of the slot's advisory lock: "sluc" in ASCII, so other users of advisory locks can tell. */
    static final int LOCK_CLASS = 0x736C7563;

    private final Connection connection;

    Setup(Connection connection) {
        this.connection = connection;
    }

    void checkWalLevel() throws SQLException {
        String level = single("SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new FatalException("the server has wal_level=" + level + ", but capturing changes needs logical"
                    + " decoding. Fix: set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level ="
                    + " logical) and restart PostgreSQL; or use SnapshotMode.INITIAL_ONLY, which needs no log.");
        }
    }

    void checkReplicationRole() throws SQLException {
        String user = single("SELECT current_user");
        if (!"t".equals(single("SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user")
                .substring(0, 1))) {
            throw new FatalException("user " + user + " may not use replication slots. Fix: ALTER ROLE "
                    + Catalog.quote(user) + " REPLICATION; (as a superuser).");
        }
    }

    /** The selected tables; fails if none, or if one would send updates and deletes without a key. */
    List<Catalog.TableInfo> tables(TableFilter filter, boolean checkIdentity) throws SQLException {
        List<Catalog.TableInfo> tables = new Catalog(connection).tables(filter);
        if (tables.isEmpty()) {
            throw new FatalException("no table of database " + single("SELECT current_database()") + " matches "
                    + filter + ". Fix the source's tables(...) filter, or create the tables first.");
        }
        if (checkIdentity) {
            for (Catalog.TableInfo table : tables) {
                checkIdentity(table);
            }
        }
        return tables;
    }

    /** Fails if the table would send updates and deletes without a key. */
    static void checkIdentity(Catalog.TableInfo table) {
        boolean keyless = table.replicaIdentity() == 'n' || table.replicaIdentity() == 'd' && !table.hasPrimaryKey();
        if (keyless) {
            throw new FatalException("table " + table.id() + " has no primary key and REPLICA IDENTITY "
                    + (table.replicaIdentity() == 'n' ? "NOTHING" : "DEFAULT")
                    + ", so its updates and deletes would arrive without a key. Fix: add a primary key, or"
                    + " run ALTER TABLE " + Catalog.quote(table.id()) + " REPLICA IDENTITY FULL; or leave"
                    + " the table out with tables(TableFilter.all().exclude(\"" + table.id() + "\")).");
        }
    }

    /** Creates the publication, with no table, unless it exists (tables are then added as the stream finds them). */
    void ensurePublicationExists(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE PUBLICATION " + Catalog.quote(name));
            log.info("created publication {} (tables are added as they are found)", name);
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                throw e; // else: created by another start meanwhile
            }
        }
    }

    /** Creates the publication for these tables, or adds the ones it lacks. Tables no longer selected stay in it. */
    void ensurePublication(String name, List<Catalog.TableInfo> tables) throws SQLException {
        ensurePublication(name, tables, false);
    }

    private void ensurePublication(String name, List<Catalog.TableInfo> tables, boolean raced) throws SQLException {
        Set<TableId> published = new HashSet<>();
        boolean exists;
        try (PreparedStatement ps = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication"
                + " WHERE pubname = ?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                exists = rs.getBoolean(1);
            }
        }
        if (exists) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        published.add(TableId.of(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Catalog.TableInfo table : tables) {
            if (!published.contains(table.id())) {
                missing.add(Catalog.quote(table.id()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String sql = (exists ? "ALTER PUBLICATION " + Catalog.quote(name) + " ADD TABLE "
                : "CREATE PUBLICATION " + Catalog.quote(name) + " FOR TABLE ") + String.join(", ", missing);
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
            log.info("{}", sql);
        } catch (SQLException e) {
            boolean duplicate = "42710".equals(e.getSQLState()) || "23505".equals(e.getSQLState());
            if (duplicate && !raced) {
                // duplicate_object (or the catalog's unique index): another start created the publication or added
                // a table meanwhile, so the loser of that race must not be told to create it by hand; look again
                log.info("publication {} changed while this source prepared it ({}); checking it again", name,
                        e.getMessage());
                ensurePublication(name, tables, true);
                return;
            }
            throw new FatalException("cannot " + (exists ? "add tables to" : "create") + " publication " + name
                    + ": " + e.getMessage() + ". Fix: let the owner of the tables (or a superuser) run: " + sql
                    + "; then start again (the source only adds what is missing).", e);
        }
    }

    /** The slot's state, or null if there is no slot of that name. */
    SlotState slot(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT plugin, database, confirmed_flush_lsn::text,"
                + " coalesce(active_pid, 0), wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String flush = rs.getString(3);
                return new SlotState(rs.getString(1), rs.getString(2), flush == null ? 0 : PgOffset.parseLsn(flush),
                        rs.getInt(4), "lost".equals(rs.getString(5)));
            }
        }
    }

    /**
     * Takes the session-level advisory lock that says "a stream of this slot runs here", held by this connection
     * until it closes (a process that dies loses it with its connection). Returns null when taken, else the session
     * that holds it. Unlike the slot's {@code active_pid} it also covers a snapshot, during which the slot is idle.
     */
    Session lockSlot(String slot) throws SQLException {
        // the two-int form (hashtextextended, for one bigint, needs PostgreSQL 11)
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(" + LOCK_CLASS
                + ", hashtext(?))")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return null;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT l.pid, a.application_name FROM pg_locks l"
                + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                + " AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid::bigint = " + LOCK_CLASS + " AND l.objid::bigint = hashtext(?)::bigint & 4294967295")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                // the holder may have let go meanwhile: then the next start takes the lock
                return rs.next() ? new Session(rs.getInt(1), rs.getString(2)) : new Session(0, null);
            }
        }
    }

    /** The session of that backend pid as pg_stat_activity shows it. */
    Session session(int pid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT application_name FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return new Session(pid, rs.next() ? rs.getString(1) : null);
            }
        }
    }

    /** Drops the slot if it exists (a snapshot that cannot be resumed starts over with a new one). */
    void dropSlot(String name) throws SQLException {
        if (slot(name) != null) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, name);
                ps.execute();
            }
            log.info("dropped replication slot {} to start a new snapshot", name);
        }
    }

    /**
     * The end of the log right now, as the position the stream reaches once it has decoded everything written so
     * far. {@code pg_current_wal_lsn()} will not do: it is the <em>written</em> position, which lags behind commits
     * made with {@code synchronous_commit=off}, and may point past a page header the stream never reports. So this
     * writes a tiny non-transactional logical message and takes the end of its record: every commit made before
     * lies below it, and the stream's keepalives reach it once the WAL writer has flushed it.
     */
    long endOfLog() throws SQLException {
        return PgOffset.parseLsn(single("SELECT pg_logical_emit_message(false, 'sluice-head', '')::text"));
    }

    private String single(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no result for " + sql);
            }
            return rs.getString(1);
        }
    }
}

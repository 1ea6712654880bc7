package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
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

    /** What pg_replication_slots says about a slot. */
    /** A slot as {@code pg_replication_slots} shows it; {@code lost}: the server removed WAL it still needed. */
    record SlotState(String plugin, String database, long confirmedFlush, boolean active, boolean lost) {}

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
                boolean keyless = table.replicaIdentity() == 'n'
                        || table.replicaIdentity() == 'd' && !table.hasPrimaryKey();
                if (keyless) {
                    throw new FatalException("table " + table.id() + " has no primary key and REPLICA IDENTITY "
                            + (table.replicaIdentity() == 'n' ? "NOTHING" : "DEFAULT")
                            + ", so its updates and deletes would arrive without a key. Fix: add a primary key, or"
                            + " run ALTER TABLE " + Catalog.quote(table.id()) + " REPLICA IDENTITY FULL; or leave"
                            + " the table out with tables(TableFilter.all().exclude(\"" + table.id() + "\")).");
                }
            }
        }
        return tables;
    }

    /** Creates the publication for these tables, or adds the ones it lacks. Tables no longer selected stay in it. */
    void ensurePublication(String name, List<Catalog.TableInfo> tables) throws SQLException {
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
            throw new FatalException("cannot " + (exists ? "add tables to" : "create") + " publication " + name
                    + ": " + e.getMessage() + ". Fix: let the owner of the tables (or a superuser) run: " + sql
                    + "; then start again (the source only adds what is missing).", e);
        }
    }

    /** The slot's state, or null if there is no slot of that name. */
    SlotState slot(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT plugin, database, confirmed_flush_lsn::text,"
                + " active, wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String flush = rs.getString(3);
                return new SlotState(rs.getString(1), rs.getString(2), flush == null ? 0 : PgOffset.parseLsn(flush),
                        rs.getBoolean(4), "lost".equals(rs.getString(5)));
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

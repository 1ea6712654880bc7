package dev.sluice.source.postgres;

import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Catalog queries on a normal connection: tables, their columns, keys and replica identity. One thread. */
final class Catalog {

    /** A table that may be captured, with what the pre-conditions need to know. */
    record TableInfo(TableId id, long oid, char replicaIdentity, boolean hasPrimaryKey) {}

    private final Connection connection;

    Catalog(Connection connection) {
        this.connection = connection;
    }

    /** The ordinary tables the filter selects, by namespace and name. */
    List<TableInfo> tables(TableFilter filter) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.relname, c.oid, c.relreplident,"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
                + " ORDER BY n.nspname, c.relname");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TableId id = TableId.of(rs.getString(1), rs.getString(2));
                if (filter.test(id)) {
                    tables.add(new TableInfo(id, rs.getLong(3), rs.getString(4).charAt(0), rs.getBoolean(5)));
                }
            }
        }
        return tables;
    }

    /**
     * The planner's estimate of the rows of these tables ({@code pg_class.reltuples}), or -1 when one of them has
     * none (never vacuumed nor analyzed).
     */
    long estimatedRows(List<TableInfo> tables) throws SQLException {
        long total = 0;
        try (PreparedStatement ps = connection.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = ?")) {
            for (TableInfo table : tables) {
                ps.setLong(1, table.oid());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getDouble(1) < 0) {
                        return -1;
                    }
                    total += (long) rs.getDouble(1);
                }
            }
        }
        return total;
    }

    /** The live columns of a table, in order. */
    List<RelationInfo.ColumnDef> columns(long relOid) throws SQLException {
        List<RelationInfo.ColumnDef> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT attname, atttypid, atttypmod FROM pg_attribute"
                + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setLong(1, relOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new RelationInfo.ColumnDef(rs.getString(1), (int) rs.getLong(2), rs.getInt(3)));
                }
            }
        }
        return columns;
    }

    /**
     * The live columns of these tables, by OID, with their types' names, the table's storage (relfilenode: a
     * rewrite gives it a new one) and the versions (xmin) of its column rows; a table dropped meanwhile is absent.
     */
    Map<Long, ColumnWatcher.State> columnStates(List<TableInfo> tables) throws SQLException {
        Map<Long, List<RelationInfo.ColumnDef>> columns = new HashMap<>();
        Map<Long, List<String>> typeNames = new HashMap<>();
        Map<Long, Long> storage = new HashMap<>();
        Map<Long, StringBuilder> versions = new HashMap<>();
        Long[] oids = tables.stream().map(TableInfo::oid).toArray(Long[]::new);
        try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid, c.relfilenode, a.xmin::text,"
                + " a.attname, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), a.attisdropped"
                + " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                + " WHERE c.oid = ANY (?::oid[]) AND a.attnum > 0 ORDER BY c.oid, a.attnum")) {
            ps.setArray(1, connection.createArrayOf("bigint", oids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    storage.put(oid, rs.getLong(2));
                    versions.computeIfAbsent(oid, o -> new StringBuilder()).append(rs.getString(3)).append(' ');
                    columns.computeIfAbsent(oid, o -> new ArrayList<>());
                    typeNames.computeIfAbsent(oid, o -> new ArrayList<>());
                    if (!rs.getBoolean(8)) {
                        columns.get(oid).add(new RelationInfo.ColumnDef(rs.getString(4), (int) rs.getLong(5),
                                rs.getInt(6)));
                        typeNames.get(oid).add(rs.getString(7));
                    }
                }
            }
        }
        Map<Long, ColumnWatcher.State> states = new HashMap<>();
        columns.forEach((oid, list) -> states.put(oid, new ColumnWatcher.State(
                new SchemaChange.Shape(list, typeNames.get(oid)), storage.get(oid), versions.get(oid).toString())));
        return states;
    }

    /** The primary key's columns in key order, else the replica identity index's, else none. */
    List<String> key(long relOid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname FROM pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indexrelid = (SELECT j.indexrelid FROM pg_index j WHERE j.indrelid = ?"
                + " AND (j.indisprimary OR j.indisreplident) ORDER BY j.indisprimary DESC LIMIT 1)"
                + " ORDER BY k.pos")) {
            ps.setLong(1, relOid);
            List<String> key = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
            return key;
        }
    }

    Set<String> notNull(long relOid) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT attname FROM pg_attribute"
                + " WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped AND attnotnull")) {
            ps.setLong(1, relOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** A double-quoted identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String quote(TableId table) {
        return quote(table.namespace()) + "." + quote(table.name());
    }
}

package dev.sluice.source.postgres;

import dev.sluice.Row;
import dev.sluice.capture.SnapshotChunk;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads one chunk of an incremental snapshot: the next rows of a table in primary-key order after a key, in a
 * short REPEATABLE READ transaction of its own connection whose first statement takes {@code pg_current_snapshot()}
 * (see {@link IncrementalSnapshot} for why). Keys travel as the server's text forms and are bound back as
 * {@code ?::<the column's type>}, so the comparison happens in the key columns' own types and collations, exactly. Values are
 * parsed exactly as the stream and {@link SnapshotReader} parse them. Used by the capture thread only.
 */
final class ChunkReader implements AutoCloseable {

    /** A chunk read: its rows (with each row's key in text forms), the columns read, and the read's snapshot. */
    record Read(SnapshotChunk chunk, Map<Row, List<String>> keys, List<String> lastKey, RelationInfo relation,
            XidSnapshot snapshot) {}

    private final Connector connector;
    private final NumericMode numericMode;
    private Connection connection;
    private TypeResolver types;
    private Catalog catalog;

    ChunkReader(Connector connector, NumericMode numericMode) {
        this.connector = connector;
        this.numericMode = numericMode;
    }

    /**
     * The next rows of {@code table} after {@code afterKey} (empty: from the first), up to and including
     * {@code throughKey} (null: no upper bound), that match {@code condition} (an SQL boolean expression over the
     * table's columns, for a backfill; null: every row): at most {@code maxRows}, and no more once they pass
     * {@code maxBytes}. The transaction is over when this returns.
     */
    Read read(Catalog.TableInfo table, List<String> afterKey, List<String> throughKey, String condition, int maxRows,
            long maxBytes)
            throws SQLException {
        Connection c = connection();
        try {
            XidSnapshot snapshot;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_current_snapshot()::text")) {
                rs.next(); // the first statement of the transaction: its snapshot is the read's
                snapshot = XidSnapshot.parse(rs.getString(1));
            }
            List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
            List<String> key = catalog.key(table.oid());
            RelationInfo relation = RelationInfo.of(table.id(), columns, key, catalog.notNull(table.oid()), types);
            Read read = new Read(new SnapshotChunk(table.id(), relation.schema), new IdentityHashMap<>(),
                    new ArrayList<>(), relation, snapshot);
            if (!afterKey.isEmpty() && afterKey.size() != key.size()) {
                throw new IllegalStateException("the key of " + table.id() + " has " + key.size()
                        + " columns, the snapshot's progress " + afterKey.size());
            }
            if (throughKey != null && throughKey.size() != key.size()) {
                throw new IllegalStateException("the key of " + table.id() + " has " + key.size()
                        + " columns, the chunk's bound " + throughKey.size());
            }
            try (PreparedStatement ps = c.prepareStatement(select(table, columns, key, afterKey, throughKey, condition,
                    maxRows))) {
                ps.setFetchSize(Math.min(maxRows, 1_000));
                int index = 1;
                for (String value : afterKey) {
                    ps.setString(index++, value);
                }
                for (String value : throughKey == null ? List.<String>of() : throughKey) {
                    ps.setString(index++, value);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    fill(read, rs, key, maxBytes);
                }
            }
            c.commit();
            return read;
        } catch (SQLException | RuntimeException e) {
            close(); // a new connection for the next chunk: no transaction is left open
            throw e;
        }
    }

    private void fill(Read read, ResultSet rs, List<String> key, long maxBytes) throws SQLException {
        RelationInfo relation = read.relation();
        int[] keyIndexes = relation.schema.keyIndexes();
        while (read.chunk().bytes() < maxBytes && rs.next()) {
            Object[] values = new Object[relation.types.length];
            String[] texts = new String[values.length];
            long rowBytes = 16;
            for (int i = 0; i < values.length; i++) {
                String text = rs.getString(i + 1);
                if (text != null) {
                    texts[i] = text;
                    rowBytes += text.length();
                    values[i] = relation.parse(i, text);
                }
            }
            List<String> keyText = new ArrayList<>(keyIndexes.length);
            for (int index : keyIndexes) {
                keyText.add(texts[index]);
            }
            Row row = Row.of(values);
            read.chunk().add(row, rowBytes);
            read.keys().put(row, keyText);
            read.lastKey().clear();
            read.lastKey().addAll(keyText);
        }
    }

    private String select(Catalog.TableInfo table, List<RelationInfo.ColumnDef> columns, List<String> key,
            List<String> afterKey, List<String> throughKey, String condition, int maxRows) throws SQLException {
        StringJoiner select = new StringJoiner(", ", "SELECT ", " FROM " + Catalog.quote(table.id()));
        columns.forEach(column -> select.add(Catalog.quote(column.name())));
        StringJoiner keys = new StringJoiner(", ", "(", ")");
        key.forEach(k -> keys.add(Catalog.quote(k)));
        StringBuilder sql = new StringBuilder(select.toString());
        String params = null;
        if (!afterKey.isEmpty() || throughKey != null) {
            StringJoiner typed = new StringJoiner(", ", "(", ")");
            for (String type : keyTypes(table.oid(), key)) {
                typed.add("?::" + type);
            }
            params = typed.toString();
        }
        String where = " WHERE ";
        if (!afterKey.isEmpty()) {
            sql.append(where).append(keys).append(" > ").append(params);
            where = " AND ";
        }
        if (throughKey != null) {
            sql.append(where).append(keys).append(" <= ").append(params);
            where = " AND ";
        }
        if (condition != null) {
            // on lines of their own, so that a comment in the condition ends with it
            sql.append(where).append("(\n").append(condition).append("\n)");
        }
        sql.append(" ORDER BY ").append(keys.toString(), 1, keys.length() - 1);
        // a chunk up to a bound found beforehand holds about the chunk size; rows inserted since come with it
        return throughKey == null ? sql.append(" LIMIT ").append(maxRows).toString() : sql.toString();
    }

    /**
     * The key of the row {@code skip} rows past the first row of {@code table} after {@code afterKey} (empty: from
     * the first), in key order and the server's text forms; null if there is none. A key-only query (the key's
     * index), in a transaction of its own.
     */
    List<String> keyAfter(Catalog.TableInfo table, List<String> afterKey, int skip) throws SQLException {
        Connection c = connection();
        try {
            List<String> key = catalog.key(table.oid());
            if (key.isEmpty() || !afterKey.isEmpty() && afterKey.size() != key.size()) {
                c.commit();
                return null; // no key to page by (any more): the chunk read says why
            }
            List<RelationInfo.ColumnDef> keyColumns = key.stream()
                    .map(k -> new RelationInfo.ColumnDef(k, 0, 0)).toList();
            String sql = select(table, keyColumns, key, afterKey, null, null, 1) + " OFFSET " + skip;
            List<String> found = null;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < afterKey.size(); i++) {
                    ps.setString(i + 1, afterKey.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        found = new ArrayList<>(key.size());
                        for (int i = 1; i <= key.size(); i++) {
                            found.add(rs.getString(i));
                        }
                    }
                }
            }
            c.commit();
            return found;
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The key columns' types with their modifiers: a value read from the column fits them, and a type without its
     * modifier can mean another ({@code character} is {@code character(1)}).
     */
    private List<String> keyTypes(long oid, List<String> key) throws SQLException {
        List<String> types = new ArrayList<>(key.size());
        try (PreparedStatement ps = connection.prepareStatement("SELECT format_type(atttypid, atttypmod)"
                + " FROM pg_attribute WHERE attrelid = ? AND attname = ?")) {
            for (String column : key) {
                ps.setLong(1, oid);
                ps.setString(2, column);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("key column " + column + " vanished");
                    }
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = connector.connect();
            try {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
            types = new TypeResolver(c, numericMode);
            catalog = new Catalog(c);
        }
        return connection;
    }

    /** Closes the connection (rolling back anything open). Idempotent, quiet. */
    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException e) {
            // closing anyway
        }
        try {
            c.close();
        } catch (SQLException e) {
            // nothing to release
        }
    }
}

package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import dev.sluice.Row;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotChunk;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Reads the chunks of an incremental snapshot on a connection of its own: each chunk in a transaction of its own
 * ({@code START TRANSACTION WITH CONSISTENT SNAPSHOT}), rows in key order after the last key, at most a number of
 * rows and about {@value #MAX_CHUNK_BYTES} bytes. Values are parsed as the consistent snapshot parses them
 * ({@link Cells}), so a row read here equals the same row from the binlog.
 *
 * <p>Exactness on MariaDB: the read must contain every transaction the stream delivered before its pause. A
 * transaction is in the binlog before it is visible to a new read view, so the stream can be ahead of a read taken
 * after it. MariaDB gives the binlog position its read view is consistent with ({@code Binlog_snapshot_position});
 * a read whose position is before the stream's is discarded and taken again. MySQL has no such status: see
 * {@code docs/source-mysql.md}. Not thread-safe.
 */
final class ChunkReader implements AutoCloseable {

    static final long MAX_CHUNK_BYTES = 8L << 20;
    /** ER_TABLE_DEF_CHANGED: the table was altered after the read view was taken. */
    private static final int TABLE_DEF_CHANGED = 1412;
    private static final int MAX_ATTEMPTS = 1000;

    private final Connection connection;
    private final boolean mariaDb;
    /** Reads discarded because their view was older than the stream (for tests). */
    private int retries;

    ChunkReader(Connection connection, boolean mariaDb) throws SQLException {
        this.connection = connection;
        this.mariaDb = mariaDb;
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
        connection.setAutoCommit(false);
    }

    /** A chunk read, with the table's key; {@code full} if it stopped at the row limit or the byte budget. */
    record Read(SnapshotChunk chunk, InfoSchema.TableDef def, ChunkKeys keys, boolean full) {}

    /**
     * Reads the rows of {@code table} after {@code after} (the key's text forms; empty: from the start), up to and
     * including the key {@code through} (null: no upper bound), that match {@code condition} (an SQL boolean
     * expression over the table's columns, for a backfill; null: every row). A bounded read stops at the byte budget
     * or at twice {@code limit} rows (the rows up to a bound found shortly before are about a chunk's worth);
     * {@link Read#full()} says if it stopped.
     *
     * @param paused the stream's position: the read contains everything before it (checked on MariaDB)
     * @return the chunk, or null if the table does not exist
     */
    Read read(TableId table, List<String> after, List<String> through, String condition, int limit,
            MySqlOffset paused) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (Statement s = connection.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                if (mariaDb && before(snapshotPosition(s), paused)) {
                    connection.commit();
                    retries++;
                    if (attempt >= MAX_ATTEMPTS) {
                        throw new FatalException("MariaDB's read view stayed behind the binlog the stream already"
                                + " read (" + paused.file() + ":" + paused.position() + ") for " + attempt + " reads");
                    }
                    Thread.sleep(Math.min(attempt, 20)); // the commit of a transaction the binlog already has
                    continue;
                }
                Read read = select(table, after, through, condition, limit);
                connection.commit();
                return read;
            } catch (SQLException e) {
                connection.rollback();
                if (e.getErrorCode() != TABLE_DEF_CHANGED || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                // altered since the view was taken: read again, the stream sees the ALTER in the window
            }
        }
    }

    int retries() {
        return retries;
    }

    /**
     * The key of the row {@code skip} rows past the first row of {@code table} after {@code after} (empty: from the
     * first), in key order and the progress's text forms; null if there is none or the table is gone. A key-only
     * query (on the key's index), in a transaction of its own.
     */
    List<String> keyAfter(TableId table, List<String> after, int skip) throws SQLException {
        try {
            InfoSchema.TableDef def = InfoSchema.settled(connection, table);
            if (def == null || def.key().isEmpty() || !after.isEmpty() && after.size() != def.key().size()) {
                connection.commit();
                return null; // the chunk read says what is wrong
            }
            ChunkKeys keys = ChunkKeys.of(def);
            List<ColumnSpec> specs = keys.columns();
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < specs.size(); i++) {
                sql.append(i == 0 ? "" : ", ")
                        .append(Cells.selectExpression(specs.get(i), SnapshotReader.quote(specs.get(i).name())));
            }
            sql.append(" FROM ").append(SnapshotReader.quote(table.namespace())).append('.')
                    .append(SnapshotReader.quote(table.name()));
            if (!after.isEmpty()) {
                sql.append(" WHERE ").append(keys.after());
            }
            sql.append(" ORDER BY ").append(keys.orderBy()).append(" LIMIT 1 OFFSET ").append(skip);
            List<String> found = null;
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                if (!after.isEmpty()) {
                    keys.bind(ps, after);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Object[] values = new Object[specs.size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = Cells.fromResultSet(specs.get(i), rs, i + 1);
                        }
                        found = keys.text(values);
                    }
                }
            }
            connection.commit();
            return found;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private Read select(TableId table, List<String> after, List<String> through, String condition,
            int limit) throws SQLException {
        InfoSchema.TableDef def = InfoSchema.settled(connection, table);
        if (def == null) {
            return null;
        }
        if (def.key().isEmpty()) {
            throw IncrementalSnapshot.keyless(table);
        }
        ChunkKeys keys = ChunkKeys.of(def);
        ColumnSpec[] specs = def.columns().toArray(new ColumnSpec[0]);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < specs.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(Cells.selectExpression(specs[i], SnapshotReader.quote(specs[i].name())));
        }
        sql.append(" FROM ").append(SnapshotReader.quote(table.namespace())).append('.')
                .append(SnapshotReader.quote(table.name()));
        String where = " WHERE ";
        if (!after.isEmpty()) {
            sql.append(where).append(keys.after());
            where = " AND ";
        }
        if (through != null) {
            sql.append(where).append(keys.through());
            where = " AND ";
        }
        if (condition != null) {
            // on lines of their own, so that a comment in the condition ends with it
            sql.append(where).append("(\n").append(condition).append("\n)");
        }
        // a bounded chunk holds about a chunk's rows, more if rows were inserted since its bound was found; its cap
        // (twice the chunk size) keeps what the driver buffers bounded: a chunk cut there is continued after
        long cap = through == null ? limit : 2L * limit;
        sql.append(" ORDER BY ").append(keys.orderBy()).append(" LIMIT ").append(cap);
        SnapshotChunk chunk = new SnapshotChunk(table, def.schema());
        boolean full = false;
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int index = 1;
            if (!after.isEmpty()) {
                keys.bind(ps, after);
                index = 1 + keys.afterParameters();
            }
            if (through != null) {
                keys.bindThrough(ps, through, index);
            }
            int count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] values = new Object[specs.length];
                    long bytes = 0;
                    for (int i = 0; i < specs.length; i++) {
                        values[i] = Cells.fromResultSet(specs[i], rs, i + 1);
                        bytes += size(values[i]);
                    }
                    chunk.add(Row.of(values), bytes);
                    count++;
                    if (chunk.bytes() >= MAX_CHUNK_BYTES) {
                        full = true;
                        break;
                    }
                }
            }
            full |= count >= cap;
        }
        return new Read(chunk, def, keys, full);
    }

    /** True if the read view's binlog position is before the stream's position: it lacks a delivered change. */
    static boolean before(MySqlOffset view, MySqlOffset paused) {
        int byFile = MySqlOffset.compareFiles(view.file(), paused.file());
        if (byFile != 0) {
            return byFile < 0;
        }
        // rows of the group at the paused position were delivered: the view must be past the group's start
        return paused.rows() > 0 ? view.position() <= paused.position() : view.position() < paused.position();
    }

    /**
     * MariaDB: the binlog position the session's consistent-snapshot transaction is consistent with (every
     * transaction before it visible, none after), from {@code binlog_snapshot_file/position}.
     */
    static MySqlOffset snapshotPosition(Statement s) throws SQLException {
        String file = null;
        long pos = -1;
        try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                    pos = Long.parseLong(rs.getString(2));
                }
            }
        }
        if (file == null || file.isEmpty() || pos < 0) {
            throw new FatalException("MariaDB reports no Binlog_snapshot_file/position: is log_bin on?");
        }
        return MySqlOffset.binlog(file, pos, 0, null);
    }

    /** A rough size of a value in memory, for the chunk's byte budget. */
    private static long size(Object value) {
        if (value instanceof String text) {
            return 40 + 2L * text.length();
        }
        if (value instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        return 16;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing left to release
        }
    }
}

package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads every captured table in one consistent-snapshot transaction and knows the binlog position the snapshot
 * matches, so streaming from that position continues exactly where the snapshot ends.
 *
 * <p>MariaDB: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} alone fixes the read view and, in the same
 * instant, the binlog position ({@code Binlog_snapshot_file}/{@code Binlog_snapshot_position}): no lock at all.
 * MySQL has no such status, so the position is read under {@code FLUSH TABLES WITH READ LOCK}, held only while the
 * transaction starts and the position is read. Either way, only InnoDB (transactional) tables are consistent.
 *
 * <p>Each table's READ events follow one TRUNCATE event of that table: whatever the sinks hold of it from an
 * earlier snapshot (interrupted, or discarded by deleting the stored offset) is replaced, rows deleted since
 * included. Rows are streamed from the server and handed out in chunks, so memory stays bounded. Not thread-safe.
 */
final class SnapshotReader implements AutoCloseable {

    private static final int FETCH_SIZE = 1000;

    private final Connection connection;
    private final Deque<TableId> tables;
    private final Instant time;
    private MySqlOffset position;
    /** The offset of every event: the snapshot's position, or the position of a re-read's statement. */
    private MySqlOffset eventOffset;
    private TableId table;
    private Schema schema;
    private ColumnSpec[] specs;
    private Statement statement;
    private ResultSet rows;
    private boolean pendingTruncate;
    private final int total;
    private final List<TableId> all;
    private long read;

    SnapshotReader(Connection connection, TableFilter filter, Instant time) throws SQLException {
        this(connection, InfoSchema.tables(connection, filter), time);
    }

    /** A reader of these tables (for a re-read after a schema change, {@link #beginReread}). */
    SnapshotReader(Connection connection, List<TableId> tables, Instant time) {
        this.connection = connection;
        this.time = time;
        this.tables = new ArrayDeque<>(tables);
        this.total = tables.size();
        this.all = List.copyOf(tables);
    }

    /** Every table this reader reads, read or not yet. */
    List<TableId> tables() {
        return all;
    }

    /** How far the read has come; {@code estimate}: the tables' estimated rows, or -1. */
    SnapshotStatus status(long estimate) {
        boolean reading = rows != null;
        return new SnapshotStatus(reading ? table : null, total - tables.size() - (reading ? 1 : 0), total, read,
                estimate);
    }

    /**
     * Starts a consistent read of the tables, now, whose events all carry {@code at}: the binlog position of the
     * statement that made the re-read necessary, which the offset must not pass until the events are committed.
     */
    void beginReread(MySqlOffset at) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            connection.setAutoCommit(false);
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
        eventOffset = at;
    }

    /** Starts the snapshot transaction and returns the binlog position it is consistent with. */
    MySqlOffset begin(boolean mariaDb, String user) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            connection.setAutoCommit(false);
            if (mariaDb) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                position = ChunkReader.snapshotPosition(s);
            } else {
                try {
                    s.execute("FLUSH TABLES WITH READ LOCK");
                } catch (SQLException e) {
                    throw new FatalException("user " + user + " may not run FLUSH TABLES WITH READ LOCK for a"
                            + " consistent snapshot (" + e.getMessage() + "). Fix: GRANT RELOAD ON *.* TO the user,"
                            + " or use snapshotMode(SnapshotMode.INCREMENTAL), which takes no lock (CLI: --snapshot"
                            + " incremental)", e);
                }
                try {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                    position = ServerChecks.currentPosition(connection, user);
                } finally {
                    s.execute("UNLOCK TABLES");
                }
            }
        }
        eventOffset = MySqlOffset.snapshot(position.file(), position.position());
        return position;
    }

    /** Up to {@code max} READ events; an empty list once every table is read. */
    List<ChangeEvent> next(int max) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>(Math.min(max, FETCH_SIZE));
        MySqlOffset offset = eventOffset;
        while (events.size() < max) {
            if (rows == null && !openNextTable()) {
                break;
            }
            if (pendingTruncate) {
                pendingTruncate = false;
                events.add(ChangeEvent.builder(Op.TRUNCATE, table, schema).offset(offset).commitTime(time).build());
                continue;
            }
            if (!rows.next()) {
                closeTable();
                continue;
            }
            Object[] values = new Object[specs.length];
            for (int i = 0; i < specs.length; i++) {
                values[i] = Cells.fromResultSet(specs[i], rows, i + 1);
            }
            events.add(ChangeEvent.builder(Op.READ, table, schema).after(Row.of(values)).offset(offset)
                    .commitTime(time).build());
            read++;
        }
        return events;
    }

    private boolean openNextTable() throws SQLException {
        while (!tables.isEmpty()) {
            TableId next = tables.poll();
            InfoSchema.TableDef def = InfoSchema.table(connection, next);
            if (def == null) {
                continue; // dropped since it was listed
            }
            table = next;
            schema = def.schema();
            specs = def.columns().toArray(new ColumnSpec[0]);
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < specs.length; i++) {
                sql.append(i == 0 ? "" : ", ").append(Cells.selectExpression(specs[i], quote(specs[i].name())));
            }
            sql.append(" FROM ").append(quote(next.namespace())).append('.').append(quote(next.name()));
            statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(FETCH_SIZE);
            rows = statement.executeQuery(sql.toString());
            // the sinks may hold rows of an earlier, interrupted or discarded snapshot (or stream) that this one
            // replaces: a TRUNCATE first makes them forget what the table no longer has
            pendingTruncate = true;
            return true;
        }
        return false;
    }

    private void closeTable() throws SQLException {
        try {
            rows.close();
            statement.close();
        } finally {
            rows = null;
            statement = null;
        }
    }

    /** Ends the snapshot transaction. */
    void finish() throws SQLException {
        connection.commit();
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
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

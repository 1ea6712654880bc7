package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.SnapshotStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongFunction;

/**
 * Reads every selected table, one after the other, inside one REPEATABLE READ transaction that holds the snapshot
 * (exported by the slot, or its own), as {@code READ} events. Rows are fetched with a cursor a batch at a time, so
 * memory stays bounded whatever the table's size. Values are the server's text forms, parsed exactly as the stream
 * parses them. Each table's rows are preceded by a {@code TRUNCATE} event of the table: a snapshot is never a
 * resume, so whatever a sink holds of the table from before (an interrupted snapshot, a pipeline whose offset was
 * deleted to re-snapshot) is replaced, deleted rows included. Used by the polling thread only.
 */
final class SnapshotReader implements AutoCloseable {

    /** Rows per FETCH at most. */
    private static final int MAX_FETCH_ROWS = 2_000;
    /**
     * The first FETCH of a table, before any row's size is known: one row, since pgjdbc holds a whole FETCH in memory
     * (16 rows of 5 MB values were 80 MB of a 256 MB heap); it costs one more round trip per table.
     */
    private static final int FIRST_FETCH_ROWS = 1;
    /**
     * What one FETCH may bring into memory, by the largest row seen so far: rows of MB-sized values come a few at a
     * time, small rows 2,000 at a time. (pgjdbc's own fetch size counts rows only.)
     */
    private static final long FETCH_BYTES = 8L << 20;
    private static final String CURSOR = "sluice_snapshot";

    private final Connection connection;
    private final List<Catalog.TableInfo> tables;
    private final Catalog catalog;
    private final TypeResolver types;
    private final LongFunction<PgOffset> offsets;
    private final Instant time;

    private int next;
    private long rows;
    private Statement statement;
    private ResultSet resultSet;
    private long largestRow;
    private RelationInfo relation;
    /** Each table read so far, by OID, with the columns its rows were read with. */
    private final Map<Long, RelationInfo> read = new HashMap<>();

    /**
     * @param connection in a REPEATABLE READ transaction that already has its snapshot; closed by this reader
     * @param offsets the offset of an event, by the number of rows read before it and with it
     */
    SnapshotReader(Connection connection, List<Catalog.TableInfo> tables, LongFunction<PgOffset> offsets,
            Instant time, NumericMode numericMode) {
        this.connection = connection;
        this.tables = tables;
        this.catalog = new Catalog(connection);
        this.types = new TypeResolver(connection, numericMode);
        this.offsets = offsets;
        this.time = time;
    }

    /**
     * Up to {@code max} events, and no more once they reach {@code maxBytes} (by {@link ChangeEvent#estimatedSize}):
     * at least one. An empty list once every table is read.
     */
    List<ChangeEvent> read(int max, long maxBytes) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>(Math.min(max, 256));
        long bytes = 0;
        while (events.size() < max && bytes < maxBytes) {
            if (statement == null) {
                if (!openNext()) {
                    break;
                }
                // a snapshot never resumes: what sinks hold of the table from an earlier, interrupted or
                // abandoned snapshot (rows deleted since included) must go before the table is read again
                events.add(ChangeEvent.builder(Op.TRUNCATE, relation.table, relation.schema)
                        .offset(offsets.apply(rows)).commitTime(time).build());
                continue;
            }
            if (resultSet == null || !resultSet.next()) {
                if (!fetch()) {
                    closeTable();
                }
                continue;
            }
            Object[] values = new Object[relation.types.length];
            long rowBytes = 16;
            for (int i = 0; i < values.length; i++) {
                String text = resultSet.getString(i + 1);
                if (text != null) {
                    rowBytes += text.length();
                    values[i] = relation.parse(i, text);
                }
            }
            largestRow = Math.max(largestRow, rowBytes);
            rows++;
            ChangeEvent event = ChangeEvent.builder(Op.READ, relation.table, relation.schema).after(Row.of(values))
                    .offset(offsets.apply(rows)).commitTime(time).build();
            bytes += event.estimatedSize();
            events.add(event);
        }
        return events;
    }

    /** The tables read so far, by OID, with the columns their rows were read with. */
    Map<Long, RelationInfo> tablesRead() {
        return read;
    }

    /** How far the read has come; {@code estimate}: the tables' estimated rows, or -1. */
    SnapshotStatus status(long estimate) {
        boolean reading = statement != null;
        return new SnapshotStatus(reading ? relation.table : null, next - (reading ? 1 : 0), tables.size(), rows,
                estimate);
    }

    boolean isDone() {
        return next >= tables.size() && statement == null;
    }

    private boolean openNext() throws SQLException {
        if (next >= tables.size()) {
            return false;
        }
        Catalog.TableInfo table = tables.get(next++);
        List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
        relation = RelationInfo.of(table.id(), columns, catalog.key(table.oid()), catalog.notNull(table.oid()), types);
        read.put(table.oid(), relation);
        StringJoiner select = new StringJoiner(", ", "SELECT ", " FROM " + Catalog.quote(table.id()));
        for (RelationInfo.ColumnDef column : columns) {
            select.add(Catalog.quote(column.name()));
        }
        statement = connection.createStatement();
        statement.execute("DECLARE " + CURSOR + " NO SCROLL CURSOR FOR " + (columns.isEmpty()
                ? "SELECT FROM " + Catalog.quote(table.id()) : select.toString()));
        largestRow = 0;
        return true;
    }

    /** Fetches the next rows of the table's cursor, as many as fit {@link #FETCH_BYTES}; false at its end. */
    private boolean fetch() throws SQLException {
        if (resultSet != null) {
            resultSet.close();
            resultSet = null;
        }
        int count = largestRow == 0 ? FIRST_FETCH_ROWS
                : (int) Math.max(1, Math.min(MAX_FETCH_ROWS, FETCH_BYTES / largestRow));
        resultSet = statement.executeQuery("FETCH FORWARD " + count + " FROM " + CURSOR);
        return resultSet.isBeforeFirst(); // no rows: the cursor is at its end
    }

    private void closeTable() throws SQLException {
        if (resultSet != null) {
            resultSet.close();
            resultSet = null;
        }
        statement.execute("CLOSE " + CURSOR);
        statement.close();
        statement = null;
    }

    /** Ends the snapshot transaction and closes the connection. Idempotent, quiet. */
    @Override
    public void close() {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            // closing anyway
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing to release
        }
    }
}

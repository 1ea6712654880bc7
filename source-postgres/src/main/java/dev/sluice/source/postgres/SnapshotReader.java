package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads every selected table, one after the other, inside one REPEATABLE READ transaction that holds the snapshot
 * (exported by the slot, or its own), as {@code READ} events. Each table is read with {@code COPY (SELECT …) TO
 * STDOUT} in text format: the server streams the rows while this thread parses them (a cursor would make the two
 * take turns, one fetch at a time), and rows are taken one at a time, so memory stays bounded whatever the table's
 * size. Values are the server's text forms (the same output functions as a query's), unescaped and parsed exactly
 * as the stream parses them. Used by the polling thread only.
 */
final class SnapshotReader implements AutoCloseable {

    private static final int BATCH = 2_000;

    private final Connection connection;
    private final List<Catalog.TableInfo> tables;
    private final Catalog catalog;
    private final TypeResolver types;
    private final long lsn;
    private final Instant time;

    private int next;
    private long rows;
    private CopyOut copy;
    private RelationInfo relation;

    /** @param connection in a REPEATABLE READ transaction that already has its snapshot; closed by this reader */
    SnapshotReader(Connection connection, List<Catalog.TableInfo> tables, long lsn, Instant time,
            NumericMode numericMode) {
        this.connection = connection;
        this.tables = tables;
        this.catalog = new Catalog(connection);
        this.types = new TypeResolver(connection, numericMode);
        this.lsn = lsn;
        this.time = time;
    }

    /** Up to {@code max} rows; an empty list once every table is read. */
    List<ChangeEvent> read(int max) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>(Math.min(max, BATCH));
        while (events.size() < max) {
            if (copy == null && !openNext()) {
                break;
            }
            byte[] line = copy.readFromCopy();
            if (line == null) {
                copy = null; // the server ended the COPY
                continue;
            }
            Object[] values = CopyText.fields(line, relation.types.length, relation.table);
            for (int i = 0; i < values.length; i++) {
                String text = (String) values[i];
                values[i] = text == null ? null : relation.parse(i, text);
            }
            rows++;
            events.add(ChangeEvent.builder(Op.READ, relation.table, relation.schema).after(Row.of(values))
                    .offset(PgOffset.inSnapshot(lsn, rows)).commitTime(time).build());
        }
        return events;
    }

    boolean isDone() {
        return next >= tables.size() && copy == null;
    }

    private boolean openNext() throws SQLException {
        if (next >= tables.size()) {
            return false;
        }
        Catalog.TableInfo table = tables.get(next++);
        List<RelationInfo.ColumnDef> columns = catalog.columns(table.oid());
        relation = RelationInfo.of(table.id(), columns, catalog.key(table.oid()), catalog.notNull(table.oid()), types);
        StringJoiner select = new StringJoiner(", ", "COPY (SELECT ", " FROM " + Catalog.quote(table.id()) + ") TO STDOUT");
        for (RelationInfo.ColumnDef column : columns) {
            select.add(Catalog.quote(column.name()));
        }
        String sql = columns.isEmpty() ? "COPY (SELECT FROM " + Catalog.quote(table.id()) + ") TO STDOUT"
                : select.toString();
        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        return true;
    }

    /** Ends the snapshot transaction and closes the connection. Idempotent, quiet. */
    @Override
    public void close() {
        try {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy(); // stopped in the middle of a table
            }
        } catch (SQLException e) {
            // the rollback or the close below ends it anyway
        }
        copy = null;
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

package dev.sluice.capture;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads every row of one table as {@code READ} events for trigger capture, in chunks of the batch size in primary
 * key order (a table without a key in one query), each chunk a query of its own: see {@link TriggerStream} for
 * why chunks read at different moments still leave every key right. Used by one stream's capture thread.
 */
final class TableReread {

    final TableId table;
    final Schema schema;
    /** Every change of the table with a sequence value up to this is reflected in what this reads. */
    final long coveredTo;
    private final CaptureDialect dialect;
    private final int batchSize;
    private final String firstQuery;
    private final String nextQuery;
    private List<Object> lastKey;
    private boolean done;

    TableReread(JdbcCaptureSource source, TableId table, Schema schema, long coveredTo) {
        this.table = table;
        this.schema = schema;
        this.coveredTo = coveredTo;
        this.dialect = source.dialect;
        this.batchSize = source.batchSize;
        String select = "SELECT " + dialect.rowImage(table, schema, "t") + " FROM " + dialect.qualify(table) + " t";
        if (schema.hasKey()) {
            List<String> key = new ArrayList<>();
            List<String> params = new ArrayList<>();
            for (int i : schema.keyIndexes()) {
                key.add("t." + dialect.quote(schema.column(i).name()));
                params.add(dialect.parameter(schema.column(i)));
            }
            String order = " ORDER BY " + String.join(", ", key) + " LIMIT " + batchSize;
            this.firstQuery = select + order;
            this.nextQuery = select + " WHERE (" + String.join(", ", key) + ") > ("
                    + params.stream().collect(Collectors.joining(", ")) + ")" + order;
        } else {
            this.firstQuery = select;
            this.nextQuery = null;
        }
    }

    /** True once every row was read. */
    boolean done() {
        return done;
    }

    /** The next chunk of rows as READ events carrying {@code offset}. */
    List<ChangeEvent> next(Connection connection, Offset offset, Instant time) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(lastKey == null ? firstQuery : nextQuery)) {
            if (lastKey != null) {
                int[] key = schema.keyIndexes();
                for (int i = 0; i < key.length; i++) {
                    Column column = schema.column(key[i]);
                    dialect.bind(statement, i + 1, lastKey.get(i), column);
                }
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Row row = decode(rs.getString(1));
                    events.add(ChangeEvent.builder(Op.READ, table, schema).after(row).offset(offset).commitTime(time)
                            .build());
                    if (nextQuery != null) {
                        List<Object> key = new ArrayList<>();
                        for (int i : schema.keyIndexes()) {
                            key.add(row.get(i));
                        }
                        lastKey = key;
                    }
                }
            }
        }
        done = nextQuery == null || events.size() < batchSize;
        return events;
    }

    private Row decode(String image) {
        try {
            return RowImages.decode(image, schema, table, dialect);
        } catch (RowImages.Mismatch e) {
            // the image is built from these columns in the same query, so only a concurrent ALTER gets here
            throw new RetriableException("the columns of " + table + " changed while it was read again ("
                    + e.getMessage() + "): reopening to read them");
        }
    }
}

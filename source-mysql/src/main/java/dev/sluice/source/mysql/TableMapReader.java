package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads TABLE_MAP events ({@link TableMapParser}), which precede every rows event: one whose bytes equal the last TABLE_MAP of its table id
 * is the same instance as before, without being parsed again. With {@code binlog_row_metadata=FULL} a TABLE_MAP
 * carries every column name, so parsing it cost more than the row it maps when transactions are small; and
 * {@link TableDecoders} skips its own work for an instance it has seen. Bounded to the {@value #TABLES} table ids
 * used last. Used by the reader thread only, as both halves of the library's {@code EventDataWrapper.Deserializer}
 * (see {@link BinlogConnection#deserializer(boolean)}): the second call finds the first one's result.
 */
final class TableMapReader implements EventDataDeserializer<TableMapEventData> {

    private static final int TABLES = 1024;
    private static final int TABLE_ID_BYTES = 6;

    private final Map<Long, Parsed> last = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Parsed> eldest) {
            return size() > TABLES;
        }
    };

    private final boolean mariaDb;

    /** @param mariaDb whether the server is MariaDB, whose optional metadata counts YEAR as numeric */
    TableMapReader(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    private record Parsed(byte[] body, TableMapEventData data) {}

    @Override
    public TableMapEventData deserialize(ByteArrayInputStream in) throws IOException {
        byte[] body = in.read(in.available());
        if (body.length < TABLE_ID_BYTES) {
            return TableMapParser.parse(body, mariaDb); // which says what is missing
        }
        long tableId = 0;
        for (int i = TABLE_ID_BYTES - 1; i >= 0; i--) {
            tableId = tableId << 8 | (body[i] & 0xFF);
        }
        Parsed parsed = last.get(tableId);
        if (parsed != null && Arrays.equals(parsed.body(), body)) {
            return parsed.data();
        }
        TableMapEventData data = TableMapParser.parse(body, mariaDb);
        last.put(tableId, new Parsed(body, data));
        return data;
    }
}

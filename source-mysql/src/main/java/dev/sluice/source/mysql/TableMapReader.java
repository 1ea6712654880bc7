package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads TABLE_MAP events, which precede every rows event: one whose bytes equal the last TABLE_MAP of its table id
 * is the same instance as before, without being parsed again. With {@code binlog_row_metadata=FULL} a TABLE_MAP
 * carries every column name, so parsing it cost more than the row it maps when transactions are small; and
 * {@link TableDecoders} skips its own work for an instance it has seen. Bounded to the {@value #TABLES} table ids
 * used last. Used by the reader thread only, as both halves of the library's {@code EventDataWrapper.Deserializer}
 * (see {@link BinlogConnection#deserializer()}): the second call finds the first one's result.
 */
final class TableMapReader implements EventDataDeserializer<TableMapEventData> {

    private static final int TABLES = 1024;
    private static final int TABLE_ID_BYTES = 6;

    private final TableMapEventDataDeserializer parser = new TableMapEventDataDeserializer();
    private final Map<Long, Parsed> last = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Parsed> eldest) {
            return size() > TABLES;
        }
    };

    private record Parsed(byte[] body, TableMapEventData data) {}

    @Override
    public TableMapEventData deserialize(ByteArrayInputStream in) throws IOException {
        byte[] body = in.read(in.available());
        if (body.length < TABLE_ID_BYTES) {
            return parser.deserialize(new ByteArrayInputStream(body));
        }
        long tableId = 0;
        for (int i = TABLE_ID_BYTES - 1; i >= 0; i--) {
            tableId = tableId << 8 | (body[i] & 0xFF);
        }
        Parsed parsed = last.get(tableId);
        if (parsed != null && Arrays.equals(parsed.body(), body)) {
            return parsed.data();
        }
        TableMapEventData data = parser.deserialize(new ByteArrayInputStream(body));
        last.put(tableId, new Parsed(body, data));
        return data;
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TABLE_MAP events through the source's deserializer: parsed once per change of their bytes, never confused. */
class TableMapReaderTest {

    private static final int TABLE_MAP_EVENT = 19;

    @Test
    void anUnchangedTableMapIsTheSameInstanceAndAChangedOneIsParsedAgain() throws IOException {
        byte[] map = BinlogRowsBenchmark.tableMap();
        byte[] changed = map.clone();
        changed[changed.length - 1] = 1; // the primary key: column 1 instead of 0
        byte[] otherTable = map.clone();
        otherTable[0] ^= 1; // another table id, same table

        List<TableMapEventData> read = read(map, map, changed, map, otherTable, map);

        assertThat(read.get(1)).isSameAs(read.get(0));
        assertThat(read.get(2)).isNotSameAs(read.get(1));
        assertThat(((TableMap) read.get(2)).columns().key()).containsExactly(1);
        assertThat(((TableMap) read.get(1)).columns().key()).containsExactly(0);
        assertThat(read.get(3)).isNotSameAs(read.get(2)).isNotSameAs(read.get(0));
        assertThat(read.get(3).toString()).isEqualTo(read.get(0).toString());
        assertThat(read.get(4).getTableId()).isNotEqualTo(read.get(3).getTableId());
        assertThat(read.get(5)).isSameAs(read.get(3)); // the other id did not evict this one
    }

    /** The TABLE_MAP data of a stream of TABLE_MAP events with these bodies. */
    private static List<TableMapEventData> read(byte[]... bodies) throws IOException {
        BinlogRowsBenchmark.EventWriter binlog = new BinlogRowsBenchmark.EventWriter();
        for (byte[] body : bodies) {
            binlog.event(TABLE_MAP_EVENT, body);
        }
        EventDeserializer deserializer = BinlogConnection.deserializer(true);
        ByteArrayInputStream in = new ByteArrayInputStream(binlog.bytes.toByteArray());
        List<TableMapEventData> read = new ArrayList<>();
        for (Event event = deserializer.nextEvent(in); event != null; event = deserializer.nextEvent(in)) {
            read.add((TableMapEventData) EventDeserializer.EventDataWrapper.internal(event.getData()));
        }
        return read;
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import dev.sluice.ChangeEvent;
import dev.sluice.TableFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the stream's position follows events that are not changes. */
class BinlogEventsTest {

    @Test
    void anIdleStreamAfterARotationReachesTheHeadPastTheNewFilesHeaderEvents() {
        BinlogEvents events = new BinlogEvents(new TableDecoders(TableFilter.all(), Map.of(), t -> Set.of()),
                MySqlOffset.binlog("mysql-bin.000001", 900, 0, null));
        List<ChangeEvent> out = new ArrayList<>();
        RotateEventData rotate = new RotateEventData();
        rotate.setBinlogFilename("mysql-bin.000002");
        rotate.setBinlogPosition(4);
        events.handle(event(EventType.ROTATE, 0, rotate), out);
        events.handle(event(EventType.FORMAT_DESCRIPTION, 256, null), out);
        events.handle(event(EventType.MARIADB_GTID_LIST, 299, null), out);
        events.handle(event(EventType.BINLOG_CHECKPOINT, 343, null), out);
        events.handle(event(EventType.HEARTBEAT, 99_999, null), out);

        MySqlOffset head = MySqlOffset.binlog("mysql-bin.000002", 343, 0, null);
        assertThat(events.position().covers(head)).as("position %s covers the head %s", events.position(), head)
                .isTrue();
        assertThat(events.position().position()).isEqualTo(343);
        assertThat(out).isEmpty();
    }

    @Test
    void aFakeFormatDescriptionOnConnectingDoesNotMoveTheResumePosition() {
        BinlogEvents events = new BinlogEvents(new TableDecoders(TableFilter.all(), Map.of(), t -> Set.of()),
                MySqlOffset.binlog("mysql-bin.000001", 900, 3, null));
        List<ChangeEvent> out = new ArrayList<>();
        events.handle(event(EventType.FORMAT_DESCRIPTION, 0, null), out);
        assertThat(events.position()).isEqualTo(MySqlOffset.binlog("mysql-bin.000001", 900, 3, null));
    }

    private static Event event(EventType type, long next, EventData data) {
        EventHeaderV4 header = new EventHeaderV4();
        header.setEventType(type);
        header.setNextPosition(next);
        return new Event(header, data);
    }
}

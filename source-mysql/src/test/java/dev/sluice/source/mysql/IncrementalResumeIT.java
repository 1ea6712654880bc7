package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A stream reopened from an offset in the middle of an incremental snapshot goes on where the offset says. */
@ExtendWith(MariaDbExtension.class)
class IncrementalResumeIT {

    @Test
    void reopenedMidTableNeitherBeginsDoneTablesAgainNorRereadsTheirRows(MariaDbDatabase db) throws Exception {
        for (String table : List.of("a", "b", "c")) {
            db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int)");
            IncrementalKeysIT.insertRange(db, table, 1, 40);
        }
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(6).build();
        ChangeStream first = source.open(null, Streams.CONTEXT);
        List<ChangeEvent> before;
        try {
            before = Streams.pollUntil(first, e -> e.stream().filter(x -> x.op() == Op.READ
                    && x.table().name().equals("b")).count() >= 15);
        } finally {
            first.close(); // whatever came after the offset kept below is lost
        }
        ChangeEvent kept = before.stream().filter(e -> e.op() == Op.READ && e.table().name().equals("b"))
                .skip(14).findFirst().orElseThrow();
        assertThat(kept.after().get(0)).isEqualTo(15);
        MySqlOffset offset = (MySqlOffset) source.decodeOffset(kept.offset().encode());
        assertThat(offset.chunk().table()).isEqualTo(TableId.of(db.name(), "b"));
        assertThat(offset.chunk().lastKey()).containsExactly("15");
        db.execute("DELETE FROM a WHERE id = 1", "DELETE FROM b WHERE id IN (2, 30)", "UPDATE b SET v = 99 WHERE id = 31");

        ChangeStream second = source.open(offset, Streams.CONTEXT);
        List<ChangeEvent> after;
        try {
            // progress: table b, one of three done, the rows emitted before (kept in the offset), InnoDB's estimate
            SnapshotStatus resumed = second.snapshotStatus();
            assertThat(resumed.table()).isEqualTo(TableId.of(db.name(), "b"));
            assertThat(resumed.tablesDone()).isEqualTo(1);
            assertThat(resumed.tablesTotal()).isEqualTo(3);
            assertThat(resumed.rowsRead()).isEqualTo(offset.chunk().rows());
            assertThat(resumed.rowsEstimated()).isPositive();
            after = IncrementalKeysIT.pollUntilSnapshotDone(second);
            assertThat(second.snapshotStatus()).as("complete").isNull();
        } finally {
            second.close();
        }
        assertThat(after).filteredOn(e -> e.op() == Op.TRUNCATE).extracting(e -> e.table().name())
                .containsExactly("c");
        assertThat(after).filteredOn(e -> e.op() == Op.READ && !e.table().name().equals("c"))
                .extracting(e -> e.table().name() + ":" + e.after().get(0))
                .containsExactlyElementsOf(IntStream.rangeClosed(16, 40).filter(id -> id != 30)
                        .mapToObj(id -> "b:" + id).toList());
        assertThat(after).filteredOn(e -> e.op() == Op.DELETE).extracting(e -> e.table().name() + ":"
                + e.before().get(0)).containsExactly("a:1", "b:2", "b:30");
        List<ChangeEvent> all = new ArrayList<>(before.subList(0, before.indexOf(kept) + 1));
        all.addAll(after);
        for (String name : List.of("a", "b", "c")) {
            TableId table = TableId.of(db.name(), name);
            assertThat(Folded.fold(all, table)).as(name).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, table));
        }
    }

    @Test
    void tableDroppedInsideAChunksWindowIsPassedOverWithoutStaleRows(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE d (id int PRIMARY KEY, v int)", "CREATE TABLE e (id int PRIMARY KEY, v int)");
        IncrementalKeysIT.insertRange(db, "d", 1, 30);
        IncrementalKeysIT.insertRange(db, "e", 1, 5);
        MySqlChangeStream stream = (MySqlChangeStream) Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(10).build().open(null, Streams.CONTEXT);
        AtomicInteger reads = new AtomicInteger();
        stream.incremental().afterRead(() -> {
            if (reads.incrementAndGet() == 2) {
                try {
                    db.execute("DROP TABLE d");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<ChangeEvent> events;
        try {
            events = IncrementalKeysIT.pollUntilSnapshotDone(stream);
        } finally {
            stream.close();
        }
        assertThat(events).extracting(e -> e.op() + ":" + e.table().name()
                + (e.after() == null ? "" : ":" + e.after().get(0))).containsExactlyElementsOf(List.of(
                        "TRUNCATE:d", "READ:d:1", "READ:d:2", "READ:d:3", "READ:d:4", "READ:d:5", "READ:d:6",
                        "READ:d:7", "READ:d:8", "READ:d:9", "READ:d:10", "TRUNCATE:d", "TRUNCATE:e", "READ:e:1",
                        "READ:e:2", "READ:e:3", "READ:e:4", "READ:e:5"));
    }
}

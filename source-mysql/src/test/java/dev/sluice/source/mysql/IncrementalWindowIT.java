package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Changes that land inside a chunk's window (after its read, before its high watermark) win over the chunk's rows:
 * updated, deleted and re-keyed rows are not emitted from the chunk, an ALTER makes the chunk be read again in the
 * new shape, a TRUNCATE empties it.
 */
@ExtendWith(MariaDbExtension.class)
class IncrementalWindowIT {

    @Test
    void changesInsideTheWindowReplaceTheChunksRowsAndSchemaChangesDropTheChunk(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int)");
        IncrementalKeysIT.insertRange(db, "w", 1, 60);
        MySqlChangeStream stream = (MySqlChangeStream) Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(10).build().open(null, Streams.CONTEXT);
        AtomicInteger reads = new AtomicInteger();
        stream.incremental().afterRead(() -> {
            try {
                switch (reads.incrementAndGet()) {
                    case 2 -> db.execute("UPDATE w SET v = 100 WHERE id = 15", "DELETE FROM w WHERE id = 16",
                            "UPDATE w SET id = 1000 WHERE id = 17", "INSERT INTO w VALUES (18000, 1)");
                    case 3 -> db.execute("ALTER TABLE w ADD COLUMN extra int NOT NULL DEFAULT 5");
                    case 5 -> db.execute("TRUNCATE TABLE w", "INSERT INTO w VALUES (1, 1, 1), (40, 40, 40)");
                    default -> { }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<ChangeEvent> events;
        try {
            events = IncrementalKeysIT.pollUntilSnapshotDone(stream);
        } finally {
            stream.close();
        }
        List<String> seen = new ArrayList<>();
        for (ChangeEvent e : events) {
            seen.add(e.op() + ":" + (e.op() == Op.TRUNCATE ? "" : (e.after() != null ? e.after() : e.before()).get(0))
                    + (e.after() == null ? "" : "/" + e.after().size()));
        }
        // chunk 2 (ids 11..20): the log's changes of 15, 16, 17 come first, then the rows left of the chunk
        int update15 = seen.indexOf("UPDATE:15/2");
        assertThat(update15).as("%s", seen).isPositive();
        assertThat(seen.subList(update15, update15 + 4)).containsExactly("UPDATE:15/2", "DELETE:16", "UPDATE:1000/2",
                "INSERT:18000/2");
        assertThat(seen.subList(update15 + 4, update15 + 11)).containsExactly("READ:11/2", "READ:12/2", "READ:13/2",
                "READ:14/2", "READ:18/2", "READ:19/2", "READ:20/2");
        // chunk 3 (21..30) was read before the ALTER: dropped; the table is read again in its new shape
        int alter = seen.indexOf("READ:21/3");
        assertThat(alter).as("%s", seen).isPositive();
        assertThat(seen.subList(update15 + 11, seen.size())).noneMatch(s -> s.startsWith("READ:") && s.endsWith("/2"));
        // after the TRUNCATE inside a window, only what the table holds since
        int truncate = seen.lastIndexOf("TRUNCATE:");
        assertThat(seen.subList(truncate, seen.size())).doesNotContain("READ:45/3", "READ:50/3");
        TableId table = TableId.of(db.name(), "w");
        assertThat(Folded.fold(events, table)).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, table))
                .containsOnlyKeys("1", "40");
    }
}

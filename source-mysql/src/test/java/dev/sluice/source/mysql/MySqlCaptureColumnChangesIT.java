package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trigger and timestamp capture after a captured table's columns change while no pipeline runs: rows that no later
 * change mentions must reach the targets with their values under the new columns (issue 20).
 */
@ExtendWith(MariaDbExtension.class)
class MySqlCaptureSchemaChangesIT {

    /** The targets' state: per id, the value of {@code column} (null where the event's schema lacks it). */
    private static Map<Integer, Object> state(MemorySink sink, String column) {
        Map<Integer, Object> rows = new TreeMap<>();
        for (ChangeEvent e : sink.durable()) {
            if (e.op() == Op.TRUNCATE) {
                rows.clear();
            } else if (e.op() == Op.DELETE) {
                rows.remove((Integer) e.row().get(e.schema(), "id"));
            } else {
                int index = e.schema().indexOf(column);
                rows.put((Integer) e.row().get(e.schema(), "id"), index < 0 ? null : e.row().get(index));
            }
        }
        return rows;
    }

    private static void catchUp(MySqlSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("capture-fixes-columns").source(source).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(50)).build();
        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
    }

    private static MySqlSource.Builder builder(MariaDbDatabase db) {
        return MySqlSource.builder().jdbcUrl(db.jdbcUrl()).user(db.user()).password(db.password())
                .tables(TableFilter.include(db.name() + ".t")).pollInterval(Duration.ofMillis(20))
                // other tests on the shared server may keep INNODB_TRX stale: a short fallback window then
                .safetyWindow(Duration.ofSeconds(2));
    }

    @Test
    void triggerCaptureReadsATableAgainAfterARenameAndATypeChange(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, n decimal(10,2))");
        MySqlSource source = builder(db).capture(Capture.TRIGGER).build();
        source.installTriggers();
        db.execute("INSERT INTO t VALUES (1, 'x1', 1.25), (2, 'x2', 2.25), (3, 'x3', 3.25)");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);

        db.execute("UPDATE t SET a = 'old' WHERE id = 3", // recorded in the old columns, after the cursor
                "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t MODIFY n decimal(10,1)");
        source.installTriggers();
        db.execute("INSERT INTO t VALUES (4, 'x4', 4.25)", "UPDATE t SET b = 'y1' WHERE id = 1");
        catchUp(source, sink, store);

        assertThat(state(sink, "b")).isEqualTo(Map.of(1, "y1", 2, "x2", 3, "old", 4, "x4"));
        assertThat(state(sink, "n")).isEqualTo(Map.of(1, new BigDecimal("1.3"), 2, new BigDecimal("2.3"),
                3, new BigDecimal("3.3"), 4, new BigDecimal("4.3")));
        source.uninstallTriggers();
    }

    @Test
    void triggerCaptureSetToFailStopsAtAColumnChangeNamingTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text)");
        MySqlSource source = builder(db).capture(Capture.TRIGGER).schemaChanges(SchemaChanges.FAIL).build();
        source.installTriggers();
        db.execute("INSERT INTO t VALUES (1, 'x1')");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        db.execute("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 7");
        source.installTriggers();

        assertThatThrownBy(() -> catchUp(source, sink, store)).isInstanceOf(FatalException.class)
                .hasMessageContaining("the columns of " + db.name() + ".t changed").hasMessageContaining("REREAD");
        assertThat(state(sink, "c")).hasSize(1).containsEntry(1, null);
        source.uninstallTriggers();
    }

    @Test
    void timestampCaptureReadsATableAgainAfterARenameAndAnAddedDefault(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, updated_at timestamp(6) NOT NULL DEFAULT now(6))",
                "INSERT INTO t (id, a) VALUES (1, 'x1'), (2, 'x2'), (3, 'x3')");
        MySqlSource source = builder(db).capture(Capture.TIMESTAMP).timestampColumn("updated_at").build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);

        db.execute("ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 7",
                "INSERT INTO t (id, b) VALUES (4, 'x4')");
        catchUp(source, sink, store);

        assertThat(state(sink, "b")).isEqualTo(Map.of(1, "x1", 2, "x2", 3, "x3", 4, "x4"));
        assertThat(state(sink, "c")).isEqualTo(Map.of(1, 7, 2, 7, 3, 7, 4, 7));
    }
}

package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
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
@ExtendWith(PostgresExtension.class)
class PostgresCaptureSchemaChangesIT {

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

    private static void catchUp(JdbcCaptureSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("capture-fixes-columns").source(source).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(50)).build();
        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
    }

    private static JdbcCaptureSource.Builder trigger(PostgresDatabase db) {
        return JdbcCaptureSource.builder(new PostgresCaptureDialect()).connections(db.dataSource())
                .mode(Capture.TRIGGER).batchSize(2).pollInterval(Duration.ofMillis(10));
    }

    @Test
    void triggerCaptureReadsATableAgainAfterARenameAndATypeChange(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, n numeric(10,2))");
        JdbcCaptureSource source = trigger(db).build();
        source.install();
        db.execute("INSERT INTO t VALUES (1, 'x1', 1.25), (2, 'x2', 2.25), (3, 'x3', 3.25)");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);

        db.execute("UPDATE t SET a = 'old' WHERE id = 3", // recorded in the old columns, after the cursor
                "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t ALTER COLUMN n TYPE numeric(10,1)");
        source.install();
        db.execute("INSERT INTO t VALUES (4, 'x4', 4.25)", "UPDATE t SET b = 'y1' WHERE id = 1");
        catchUp(source, sink, store);

        assertThat(state(sink, "b")).isEqualTo(Map.of(1, "y1", 2, "x2", 3, "old", 4, "x4"));
        assertThat(state(sink, "n")).isEqualTo(Map.of(1, new BigDecimal("1.3"),
                2, new BigDecimal("2.3"), 3, new BigDecimal("3.3"), 4, new BigDecimal("4.3")));
        // later changes go on in the new columns, and nothing is read again
        int before = sink.durable().size();
        db.execute("UPDATE t SET b = 'z2' WHERE id = 2");
        catchUp(source, sink, store);
        assertThat(sink.durable().subList(before, sink.durable().size())).extracting(ChangeEvent::op)
                .containsExactly(Op.UPDATE);
        assertThat(state(sink, "b")).containsEntry(2, "z2");
    }

    @Test
    void triggerCaptureWithAnInitialLoadReadsTheRowsThereBeforeAndEndsInTheSourcesState(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, n numeric(10,2))",
                "INSERT INTO t SELECT g, 'before' || g, g FROM generate_series(1, 40) g"); // before the triggers
        JdbcCaptureSource source = trigger(db).initialLoad(true).schemaChanges(SchemaChanges.FAIL).build();
        source.install();
        // recorded by the triggers before the first start: the load's rows already contain them
        db.execute("UPDATE t SET a = 'changed' WHERE id <= 5", "DELETE FROM t WHERE id = 40",
                "INSERT INTO t VALUES (41, 'new', 41)");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        Map<Integer, Object> expected = new TreeMap<>();
        for (int id = 1; id <= 41; id++) {
            if (id != 40) {
                expected.put(id, id <= 5 ? "changed" : id == 41 ? "new" : "before" + id);
            }
        }
        assertThat(state(sink, "a")).isEqualTo(expected);
        assertThat(sink.durable()).extracting(ChangeEvent::op).containsOnly(Op.TRUNCATE, Op.READ)
                .filteredOn(op -> op == Op.READ).hasSize(40);
        // then the change table, as without a load; a later start does not load again
        db.execute("UPDATE t SET a = 'after' WHERE id = 7");
        catchUp(source, sink, store);
        expected.put(7, "after");
        assertThat(state(sink, "a")).isEqualTo(expected);
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ).hasSize(40);
    }

    @Test
    void triggerCaptureSetToFailStopsAtAColumnChangeNamingTheFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text)");
        JdbcCaptureSource source = trigger(db).schemaChanges(SchemaChanges.FAIL).build();
        source.install();
        db.execute("INSERT INTO t VALUES (1, 'x1')");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        db.execute("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 7");
        source.install();

        assertThatThrownBy(() -> catchUp(source, sink, store)).isInstanceOf(FatalException.class)
                .hasMessageContaining("the columns of public.t changed").hasMessageContaining("REREAD");
        assertThat(state(sink, "c")).hasSize(1).containsEntry(1, null);
    }

    @Test
    void timestampCaptureReadsATableAgainAfterARenameAndAnAddedDefault(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a text, updated_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO t (id, a) VALUES (1, 'x1'), (2, 'x2'), (3, 'x3')");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").batchSize(2)
                .clockSkewMargin(Duration.ofMillis(10)).pollInterval(Duration.ofMillis(10)).build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        Thread.sleep(20);
        catchUp(source, sink, store);

        db.execute("ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 7",
                "INSERT INTO t (id, b) VALUES (4, 'x4')");
        Thread.sleep(20);
        catchUp(source, sink, store);

        assertThat(state(sink, "b")).isEqualTo(Map.of(1, "x1", 2, "x2", 3, "x3", 4, "x4"));
        assertThat(state(sink, "c")).isEqualTo(Map.of(1, 7, 2, 7, 3, 7, 4, 7));
    }
}

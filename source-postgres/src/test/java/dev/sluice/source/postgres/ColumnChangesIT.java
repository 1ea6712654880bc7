package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DDL that changes the values of rows no change event mentions (a column renamed, added with a default, retyped
 * with USING): every sink, rebuilt with the documented recipe (after the table's last TRUNCATE, the last change per
 * key), ends with exactly the source's rows, column names included.
 */
@ExtendWith(PostgresExtension.class)
class SchemaChangesIT {

    private static final TableId T = TableId.of("public", "t");

    private static PostgresSource.Builder watching(PostgresDatabase db) {
        return source(db).tables(TableFilter.include("public.t")).tableCheckInterval(Duration.ofMillis(200));
    }

    private static void createTable(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, c text, n int)",
                "INSERT INTO t VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3), (4, 'four', 4)");
    }

    /** Changes some rows after the DDL and leaves the others: only the changed ones have row events. */
    private static void changeSomeRows(PostgresDatabase db, String column) throws Exception {
        db.execute("UPDATE t SET " + column + " = DEFAULT WHERE id = 1", "DELETE FROM t WHERE id = 2",
                "INSERT INTO t (id) VALUES (5)");
    }

    @Test
    void aRenamedColumnHoldsEveryRowsValueUnderItsNewName(PostgresDatabase db) throws Exception {
        createTable(db);
        assertEndsAsSource(db, "ALTER TABLE t RENAME COLUMN c TO c2", "c2");
    }

    @Test
    void aColumnAddedWithADefaultHoldsTheDefaultInRowsNotChangedSince(PostgresDatabase db) throws Exception {
        createTable(db);
        assertEndsAsSource(db, "ALTER TABLE t ADD COLUMN x int DEFAULT 5", "c");
    }

    @Test
    void aTypeChangeWithUsingCarriesTheRewrittenValuesOfEveryRow(PostgresDatabase db) throws Exception {
        createTable(db);
        assertEndsAsSource(db, "ALTER TABLE t ALTER COLUMN n TYPE bigint USING n * 10", "c");
    }

    private static void assertEndsAsSource(PostgresDatabase db, String ddl, String changedColumn) throws Exception {
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            Map<Object, Map<String, Object>> state = new TreeMap<>();
            Map<Object, Map<String, Object>> before = sourceRows(db);
            pollUntil(stream, state, before);
            db.execute(ddl);
            changeSomeRows(db, changedColumn);
            pollUntil(stream, state, sourceRows(db));
            db.execute("UPDATE t SET n = 40 WHERE id = 4");
            pollUntil(stream, state, sourceRows(db));
        }
    }

    @Test
    void aTypeChangeToTheSameTypeWithUsingIsReadAgain(PostgresDatabase db) throws Exception {
        createTable(db);
        assertEndsAsSource(db, "ALTER TABLE t ALTER COLUMN n TYPE int USING n * 10", "c");
    }

    @Test
    void aRenameNoRowChangeFollowsIsReadWithinTheCheckInterval(PostgresDatabase db) throws Exception {
        createTable(db);
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            Map<Object, Map<String, Object>> state = new TreeMap<>();
            pollUntil(stream, state, sourceRows(db));
            db.execute("ALTER TABLE t RENAME COLUMN c TO c2");
            pollUntil(stream, state, sourceRows(db));
        }
    }

    @Test
    void aChangeSeenInTheCatalogAndInTheStreamIsReadOnce(PostgresDatabase db) throws Exception {
        createTable(db);
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            Map<Object, Map<String, Object>> state = new TreeMap<>();
            pollUntil(stream, state, sourceRows(db));
            db.execute("ALTER TABLE t ADD COLUMN x int DEFAULT 5");
            Thread.sleep(600); // the catalog check (every 200 ms) sees it first
            db.execute("UPDATE t SET x = 6 WHERE id = 1");
            List<ChangeEvent> events = new ArrayList<>();
            Thread.sleep(1000);
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                for (ChangeEvent event : stream.poll(Duration.ofMillis(100))) {
                    events.add(event);
                    apply(state, event);
                }
            }
            assertThat(state).isEqualTo(sourceRows(db));
            assertThat(events).filteredOn(e -> e.op() == Op.TRUNCATE).hasSize(1);
        }
    }

    @Test
    void withFailTheStopHoldsOverRestartsUntilSwitchedToReread(PostgresDatabase db) throws Exception {
        createTable(db);
        String name = PgTests.uniqueName();
        PipelineContext context = context(name);
        Map<Object, Map<String, Object>> sink = new TreeMap<>();
        Offset committed;
        try (ChangeStream stream = watching(db).schemaChanges(SchemaChanges.FAIL).build().open(null, context)) {
            pollUntil(stream, sink, sourceRows(db));
            committed = stream.position();
            db.execute("ALTER TABLE t ALTER COLUMN n TYPE bigint USING n + 100");
            assertThatThrownBy(() -> pollFor(stream, Duration.ofSeconds(10))).isInstanceOf(FatalException.class)
                    .hasMessageContaining("public.t").hasMessageContaining("column n changed type from integer to"
                            + " bigint").hasMessageContaining("Fix:");
        }
        try (ChangeStream stream = watching(db).schemaChanges(SchemaChanges.FAIL).build().open(committed,
                context)) {
            assertThatThrownBy(() -> pollFor(stream, Duration.ofSeconds(10))).isInstanceOf(FatalException.class)
                    .hasMessageContaining("public.t").hasMessageContaining("Fix:");
        }
        try (ChangeStream stream = watching(db).build().open(committed, context)) {
            pollUntil(stream, sink, sourceRows(db));
        }
    }

    private static void pollFor(ChangeStream stream, Duration time) throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            stream.poll(Duration.ofMillis(100));
        }
    }

    @Test
    void aDroppedColumnNeedsNoReread(PostgresDatabase db) throws Exception {
        createTable(db);
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            pollUntil(stream, new TreeMap<>(), sourceRows(db));
            db.execute("ALTER TABLE t DROP COLUMN c", "UPDATE t SET n = 10 WHERE id = 1",
                    "UPDATE t SET n = 11 WHERE id = 1");
            List<ChangeEvent> events = PgTests.pollAll(stream, 2);
            Thread.sleep(500);
            events.addAll(stream.poll(Duration.ofMillis(500)));
            assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.UPDATE, Op.UPDATE);
            assertThat(events.get(1).after()).isEqualTo(Row.of(1, 11));
        }
    }

    @Test
    void withFailARenameStopsNamingTheTableTheChangeAndTheFix(PostgresDatabase db) throws Exception {
        createTable(db);
        try (ChangeStream stream = watching(db).schemaChanges(SchemaChanges.FAIL).build()
                .open(null, context(PgTests.uniqueName()))) {
            pollUntil(stream, new TreeMap<>(), sourceRows(db));
            db.execute("ALTER TABLE t RENAME COLUMN c TO c2", "UPDATE t SET n = 10 WHERE id = 1");
            List<ChangeEvent> delivered = new ArrayList<>();
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    delivered.addAll(stream.poll(Duration.ofMillis(100)));
                }
            }).isInstanceOf(FatalException.class).hasMessageContaining("public.t")
                    .hasMessageContaining("column c2 added or renamed").hasMessageContaining("Fix:");
            assertThat(delivered).as("nothing after the change").isEmpty();
        }
    }

    @Test
    void aRestartBeforeTheRereadWasCommittedReadsAgain(PostgresDatabase db) throws Exception {
        createTable(db);
        PostgresSource source = watching(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        Map<Object, Map<String, Object>> sink = new TreeMap<>(); // what the sink holds: events up to the commit
        Offset committed;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("UPDATE t SET n = 10 WHERE id = 3");
            List<ChangeEvent> first = PgTests.poll(stream, 1);
            first.forEach(e -> apply(sink, e));
            committed = first.get(0).offset();
            db.execute("ALTER TABLE t RENAME COLUMN c TO c2");
            changeSomeRows(db, "c2");
            // the re-read starts: a TRUNCATE of t in the stream; nothing after the first event was committed
            List<ChangeEvent> more = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (more.stream().noneMatch(e -> e.op() == Op.TRUNCATE) && System.nanoTime() < deadline) {
                more.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(more).extracting(ChangeEvent::op).contains(Op.TRUNCATE);
        } // a crash before the re-read was committed
        try (ChangeStream stream = source.open(committed, context)) {
            pollUntil(stream, sink, sourceRows(db));
        }
    }

    @Test
    void columnChangesMadeWhileNoStreamRanAreReadAtTheNextStart(PostgresDatabase db) throws Exception {
        createTable(db);
        PostgresSource source = watching(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        Map<Object, Map<String, Object>> sink = new TreeMap<>();
        Offset stopped;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("UPDATE t SET n = 10 WHERE id = 3");
            PgTests.poll(stream, 1).forEach(e -> apply(sink, e));
            pollFor(stream, Duration.ofMillis(600)); // a catalog check records the columns
            stopped = stream.position();
        }
        sink.putAll(sourceRows(db)); // what an initial snapshot would have given the sink
        // a migration while the pipeline is stopped, with no row change after it: no Relation message shows it
        db.execute("ALTER TABLE t RENAME COLUMN c TO c2", "ALTER TABLE t ADD COLUMN x int DEFAULT 5");
        try (ChangeStream stream = source.open(stopped, context)) {
            pollUntil(stream, sink, sourceRows(db));
        }
    }

    @Test
    void aRestartWithoutColumnChangesReadsNothingAgain(PostgresDatabase db) throws Exception {
        createTable(db);
        PostgresSource source = watching(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset stopped;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("UPDATE t SET n = 10 WHERE id = 3");
            PgTests.poll(stream, 1);
            pollFor(stream, Duration.ofMillis(600));
            stopped = stream.position();
        }
        db.execute("VACUUM FULL t"); // a new relfilenode, the same columns: no change of values
        try (ChangeStream stream = source.open(stopped, context)) {
            List<ChangeEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(events).isEmpty();
        }
    }

    /** The source's rows now: key to column name to value. */
    private static Map<Object, Map<String, Object>> sourceRows(PostgresDatabase db) throws Exception {
        Map<Object, Map<String, Object>> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM t")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getObject(i));
                }
                rows.put(rs.getObject("id"), row);
            }
        }
        return rows;
    }

    /** Applies an event of t as the rebuild recipe does: a TRUNCATE empties, the last change per key wins. */
    private static void apply(Map<Object, Map<String, Object>> state, ChangeEvent event) {
        if (!event.table().equals(T)) {
            return;
        }
        Schema schema = event.schema();
        switch (event.op()) {
            case TRUNCATE -> state.clear();
            case DELETE -> state.remove(event.before().get(schema, "id"));
            default -> {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < schema.size(); i++) {
                    assertThat(event.isUnchanged(i)).isFalse();
                    row.put(schema.column(i).name(), event.after().get(i));
                }
                state.put(event.after().get(schema, "id"), row);
            }
        }
    }

    private static void pollUntil(ChangeStream stream, Map<Object, Map<String, Object>> state,
            Map<Object, Map<String, Object>> expected) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!state.equals(expected) && System.nanoTime() < deadline) {
            for (ChangeEvent event : stream.poll(Duration.ofMillis(100))) {
                seen.add(event.op() + " " + (event.row() == null ? "" : event.row().values()));
                apply(state, event);
            }
        }
        assertThat(state).as("rebuilt from %s", seen).isEqualTo(expected);
    }
}

package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testing.CaptureStreams;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trigger capture on PostgreSQL when a table starts being captured after the first start (issue 21): with an initial
 * load its rows from before its triggers are read, also after a crash in the middle of that read; without one, only
 * its changes from its triggers on arrive.
 */
@ExtendWith(PostgresExtension.class)
class PostgresTriggerNewTablesIT {

    private static final String NAME = "jn-trigger-new-tables";
    private static final PipelineContext CONTEXT = PipelineContext.of(NAME, Clock.systemUTC());

    private static JdbcCaptureSource source(PostgresDatabase db, boolean initialLoad) {
        return JdbcCaptureSource.builder(new PostgresCaptureDialect()).connections(db.dataSource())
                .tables(TableFilter.include("public.*")).mode(Capture.TRIGGER).initialLoad(initialLoad)
                .batchSize(2).pollInterval(Duration.ofMillis(10)).build();
    }

    private static void catchUp(JdbcCaptureSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name(NAME).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build();
        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
    }

    /** What the targets hold after {@code events}: per table name, per id, the value of {@code v}. */
    private static Map<String, Map<Integer, String>> state(List<ChangeEvent> events) {
        Map<String, Map<Integer, String>> tables = new TreeMap<>();
        for (ChangeEvent e : events) {
            Map<Integer, String> rows = tables.computeIfAbsent(e.table().name(), t -> new TreeMap<>());
            if (e.op() == Op.TRUNCATE) {
                rows.clear();
            } else if (e.op() == Op.DELETE) {
                rows.remove((Integer) e.before().get(e.schema(), "id"));
            } else {
                rows.put((Integer) e.after().get(e.schema(), "id"), (String) e.after().get(e.schema(), "v"));
            }
        }
        return tables;
    }

    /** The rows of the source's tables, as {@link #state} has them. */
    private static Map<String, Map<Integer, String>> source(PostgresDatabase db, String... tables) throws SQLException {
        Map<String, Map<Integer, String>> all = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : tables) {
                Map<Integer, String> rows = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
                    while (rs.next()) {
                        rows.put(rs.getInt(1), rs.getString(2));
                    }
                }
                all.put(table, rows);
            }
        }
        return all;
    }

    private static long count(List<ChangeEvent> events, String table, Op op) {
        return events.stream().filter(e -> e.table().name().equals(table) && e.op() == op).count();
    }

    /** Two captured tables, caught up once; then a third with rows before its triggers, and changes after them. */
    private static void twoTablesThenAThird(PostgresDatabase db, JdbcCaptureSource source, MemorySink sink,
            InMemoryOffsetStore store) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY, v text)");
        source.install();
        db.execute("INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 3) g",
                "INSERT INTO b SELECT g, 'b' || g FROM generate_series(1, 3) g");
        catchUp(source, sink, store);
        // stopped: a third table with rows that no trigger recorded, then its triggers, then changes they record
        db.execute("CREATE TABLE c (id int PRIMARY KEY, v text)",
                "INSERT INTO c SELECT g, 'c' || g FROM generate_series(1, 9) g");
        source.install();
        db.execute("UPDATE c SET v = 'changed' WHERE id = 1", "DELETE FROM c WHERE id = 9",
                "INSERT INTO c VALUES (10, 'new')", "UPDATE a SET v = 'a-later' WHERE id = 2");
    }

    @Test
    void aTableInstalledBetweenRunsIsLoadedAndACrashDuringItsLoadRepeatsIt(PostgresDatabase db) throws Exception {
        JdbcCaptureSource source = source(db, true);
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        twoTablesThenAThird(db, source, sink, store);

        // a run that crashes after its first chunk of c is durable with its offset, as the engine commits it
        List<ChangeEvent> firstChunk;
        try (ChangeStream stream = source.open(source.decodeOffset(store.load(NAME).orElseThrow()), CONTEXT)) {
            firstChunk = CaptureStreams.pollUntil(stream, new ArrayList<>(), events -> count(events, "c", Op.READ) > 0,
                    Duration.ofSeconds(30));
        }
        assertThat(firstChunk).extracting(ChangeEvent::op).containsExactly(Op.TRUNCATE, Op.READ, Op.READ);
        sink.open(CONTEXT);
        sink.write(firstChunk);
        sink.flush();
        String midLoad = firstChunk.get(firstChunk.size() - 1).offset().encode();
        assertThat(midLoad).contains(",a,").doesNotContain(",c,"); // c joins the offset only once read whole
        store.save(NAME, midLoad);
        sink.close();

        catchUp(source, sink, store);
        List<ChangeEvent> delivered = sink.durable();
        assertThat(state(delivered)).isEqualTo(source(db, "a", "b", "c"));
        assertThat(count(delivered, "c", Op.TRUNCATE)).isEqualTo(2); // the load began again
        assertThat(count(delivered, "c", Op.READ)).isEqualTo(2 + 9);

        // then c's changes flow like any table's, and nothing is read again
        db.execute("UPDATE c SET v = 'later' WHERE id = 2");
        catchUp(source, sink, store);
        assertThat(state(sink.durable())).isEqualTo(source(db, "a", "b", "c"));
        assertThat(sink.durable().subList(delivered.size(), sink.durable().size())).extracting(ChangeEvent::op)
                .containsExactly(Op.UPDATE);
    }

    @Test
    void aTableThatGetsItsTriggersWhileCaptureRunsIsLoaded(PostgresDatabase db) throws Exception {
        JdbcCaptureSource source = source(db, true);
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        db.execute("CREATE TABLE a (id int PRIMARY KEY, v text)",
                "INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 3) g");
        source.install();
        catchUp(source, sink, store);
        List<ChangeEvent> events = new ArrayList<>(sink.durable());
        try (ChangeStream stream = source.open(source.decodeOffset(store.load(NAME).orElseThrow()), CONTEXT)) {
            for (int i = 0; i < 3; i++) {
                events.addAll(stream.poll(Duration.ofMillis(50)));
            }
            // between two polls (the stream looks at its tables only when polled): rows, then the triggers
            db.execute("CREATE TABLE d (id int PRIMARY KEY, v text)",
                    "INSERT INTO d SELECT g, 'd' || g FROM generate_series(1, 5) g");
            source.install();
            db.execute("UPDATE d SET v = 'changed' WHERE id = 3", "INSERT INTO d VALUES (6, 'new')");
            CaptureStreams.pollUntil(stream, events, e -> count(e, "d", Op.READ) == 6 && state(e).equals(
                    sourceQuietly(db)), Duration.ofSeconds(30));
        }
        assertThat(count(events, "d", Op.TRUNCATE)).isEqualTo(1);
        assertThat(state(events)).isEqualTo(source(db, "a", "d"));
    }

    private static Map<String, Map<Integer, String>> sourceQuietly(PostgresDatabase db) {
        try {
            return source(db, "a", "d");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutAnInitialLoadATableInstalledBetweenRunsGetsOnlyItsLaterChanges(PostgresDatabase db)
            throws Exception {
        JdbcCaptureSource source = source(db, false);
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        twoTablesThenAThird(db, source, sink, store);

        catchUp(source, sink, store);
        Map<String, Map<Integer, String>> targets = state(sink.durable());
        Map<String, Map<Integer, String>> expected = source(db, "a", "b");
        expected.put("c", Map.of(1, "changed", 10, "new")); // documented: the rows from before install() are not read
        assertThat(targets).isEqualTo(expected);
        assertThat(count(sink.durable(), "c", Op.READ)).isZero();
    }
}

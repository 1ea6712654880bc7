package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.pollAll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Snapshot modes, and a snapshot interrupted by a crash. */
@ExtendWith(PostgresExtension.class)
class SnapshotIT {

    @Test
    void interruptedSnapshotStartsOverWithANewSlot(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 5000)");
        PostgresSource source = source(db).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset interrupted;
        try (ChangeStream stream = source.open(null, context)) {
            List<ChangeEvent> part = stream.poll(Duration.ofSeconds(1));
            assertThat(part).isNotEmpty().hasSizeLessThan(5000);
            interrupted = part.get(part.size() - 1).offset();
            assertThat(((PgOffset) interrupted).snapshot()).isTrue();
        } // crash in the middle of the snapshot
        db.execute("INSERT INTO t VALUES (5001)", "DELETE FROM t WHERE id = 1");

        try (ChangeStream stream = source.open(source.decodeOffset(interrupted.encode()), context)) {
            List<ChangeEvent> reads = pollAll(stream, 5001);
            assertThat(reads.get(0).op()).as("first forget what the interrupted snapshot delivered")
                    .isEqualTo(Op.TRUNCATE);
            reads = reads.subList(1, reads.size());
            assertThat(reads).extracting(ChangeEvent::op).containsOnly(Op.READ);
            assertThat(reads).extracting(e -> (Integer) e.after().get(0))
                    .containsExactlyInAnyOrderElementsOf(range(2, 5001));
            assertThat(stream.position().covers(interrupted)).as("the new slot is ahead of the old snapshot").isTrue();
            db.execute("INSERT INTO t VALUES (5002)");
            ChangeEvent insert = poll(stream, 1).get(0);
            assertThat(insert.op()).isEqualTo(Op.INSERT);
            assertThat(insert.after().get(0)).isEqualTo(5002);
        }
    }

    @Test
    void everySnapshotTruncatesEachTableBeforeItsRowsSoDeletedRowsDoNotLinger(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)",
                "INSERT INTO a SELECT generate_series(1, 3000)", "INSERT INTO b VALUES (7)");
        PostgresSource source = source(db).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset interrupted;
        try (ChangeStream stream = source.open(null, context)) {
            List<ChangeEvent> part = stream.poll(Duration.ofSeconds(1));
            assertThat(part.get(0).op()).isEqualTo(Op.TRUNCATE);
            assertThat(part.get(0).table().toString()).isEqualTo("public.a");
            interrupted = part.get(part.size() - 1).offset();
        } // crash in the middle of the snapshot: a sink holds rows 1.. of a
        db.execute("DELETE FROM a WHERE id <= 2000", "DELETE FROM b");

        try (ChangeStream stream = source.open(source.decodeOffset(interrupted.encode()), context)) {
            List<ChangeEvent> events = pollAll(stream, 1002);
            assertThat(events).extracting(e -> e.op() + " " + e.table() + (e.after() == null ? "" : " " + e.after().get(0)))
                    .startsWith("TRUNCATE public.a", "READ public.a 2001")
                    .endsWith("READ public.a 3000", "TRUNCATE public.b");
            assertThat(events.get(1001).schema()).isEqualTo(events.get(1).schema());
        }
    }

    @Test
    void initialOnlyReadsOnceAndFinishesWithoutSlotOrPublication(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String name = PgTests.uniqueName();
        PostgresSource source = source(db).snapshotMode(SnapshotMode.INITIAL_ONLY).build();
        CatchUpReport report = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(sink.durable()).extracting(e -> e.op() + " " + (e.after() == null ? "" : e.after().get(1)))
                .containsExactly("TRUNCATE ", "READ a", "READ b");
        assertThat(count(db, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isZero();
        assertThat(count(db, "SELECT count(*) FROM pg_publication")).isZero();

        // a second run has nothing left to do
        db.execute("INSERT INTO t VALUES (3, 'c')");
        Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store).build().runUntilCaughtUp();
        assertThat(sink.durable()).hasSize(3);
    }

    @Test
    void catchUpRunDeliversSnapshotAndStreamedChanges(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String name = PgTests.uniqueName();
        PostgresSource source = source(db).build();
        CatchUpReport first = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
        assertThat(first.caughtUp()).isTrue();
        assertThat(sink.durable()).extracting(ChangeEvent::op).containsExactly(Op.TRUNCATE, Op.READ, Op.READ);

        db.execute("INSERT INTO t VALUES (3)", "UPDATE t SET id = 4 WHERE id = 1");
        CatchUpReport second = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
        assertThat(second.caughtUp()).isTrue();
        List<ChangeEvent> all = sink.durable();
        assertThat(all).extracting(ChangeEvent::op)
                .containsExactly(Op.TRUNCATE, Op.READ, Op.READ, Op.INSERT, Op.UPDATE);
        assertThat(all.get(4).before().get(0)).as("the old key of a key change").isEqualTo(1);
        assertThat(all.get(4).after().get(0)).isEqualTo(4);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> values = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            values.add(i);
        }
        return values;
    }

    private static long count(PostgresDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

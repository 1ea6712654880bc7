package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** snapshotParallelism: windows of several chunks read at once, over tables of uneven sizes. */
@ExtendWith(PostgresExtension.class)
class ParallelSnapshotIT {

    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final TableFilter TABLES = TableFilter.include("public.par_*");

    private static PipelineContext context() {
        return PipelineContext.of("par_" + PgTests.uniqueName(), Clock.systemUTC());
    }

    private static void createTables(PostgresDatabase db) throws SQLException {
        db.execute("CREATE TABLE par_big (id int PRIMARY KEY, v int, s text)",
                "INSERT INTO par_big SELECT i, i, 'r' || i FROM generate_series(1, 3000) i",
                "CREATE TABLE par_empty (id int PRIMARY KEY, v int)",
                "CREATE TABLE par_few (id int PRIMARY KEY, v int)",
                "INSERT INTO par_few SELECT i, i FROM generate_series(1, 13) i",
                // a composite key with varchar parts whose text order is not their numbers' order
                "CREATE TABLE par_text (a varchar(10), b varchar(10), v int, PRIMARY KEY (a, b))",
                "INSERT INTO par_text SELECT 'g' || (i % 17), 'k' || i, i FROM generate_series(1, 1700) i");
    }

    /** The source's tables as a consistent one-shot read sees them. */
    private static TableState sourceState(PostgresDatabase db) throws InterruptedException {
        PostgresSource reader = source(db).tables(TABLES).snapshotMode(SnapshotMode.INITIAL_ONLY).build();
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = reader.open(null, context())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!stream.isFinished()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        return TableState.of(events);
    }

    @Test
    void windowsOfSeveralChunksEmitEveryRowOnceInTableAndKeyOrder(PostgresDatabase db) throws Exception {
        createTables(db);
        PostgresSource source = source(db).tables(TABLES).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(100).snapshotParallelism(4).build();
        List<ChangeEvent> events = new ArrayList<>();
        long[] reads;
        try (ChangeStream stream = source.open(null, context())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((PgOffset) stream.position()).progress() != null) {
                assertThat(System.nanoTime()).as("snapshot done in time").isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            reads = ((PgChangeStream) stream).snapshotReads();
        }
        assertThat(reads[1]).as("chunks read").isGreaterThanOrEqualTo(3000 / 100 + 1700 / 100);
        assertThat(reads[0]).as("windows, of up to 4 chunks each").isLessThan(reads[1] / 3);
        List<ChangeEvent> rows = events.stream().filter(e -> e.op() == Op.READ).toList();
        assertThat(rows).hasSize(3000 + 13 + 1700);
        // (table, key) order: the progress each row carries only moves forward
        for (int i = 1; i < rows.size(); i++) {
            PgOffset before = (PgOffset) rows.get(i - 1).offset();
            PgOffset after = (PgOffset) rows.get(i).offset();
            assertThat(after.progress().rows()).isEqualTo(before.progress().rows() + 1);
        }
        assertThat(events.stream().filter(e -> e.op() == Op.TRUNCATE).map(e -> e.table().name()))
                .containsExactly("par_big", "par_empty", "par_few", "par_text");
        assertThat(TableState.of(events).tables()).isEqualTo(sourceState(db).tables());
    }

    @Test
    void concurrentWritesEndInTheSourceStateWithEveryParallelism(PostgresDatabase db) throws Exception {
        createTables(db);
        for (int n = 2; n <= 4; n++) {
            int parallelism = n;
            PostgresSource source = source(db).tables(TABLES).snapshotMode(SnapshotMode.INCREMENTAL)
                    .snapshotChunkSize(40).snapshotParallelism(parallelism).build();
            MemorySink sink = new MemorySink();
            InMemoryOffsetStore store = new InMemoryOffsetStore();
            String name = context().pipelineName();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> write(db, stop, writes, parallelism), "par-writer");
            writer.start();
            CatchUpReport first;
            try {
                first = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                        .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(first.caughtUp()).isTrue();
            assertThat(writes.get()).as("writes while the snapshot ran").isGreaterThan(50);
            CatchUpReport second = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                    .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
            assertThat(second.caughtUp()).isTrue();
            assertThat(TableState.of(sink.durable()).tables()).as("parallelism %d", parallelism)
                    .isEqualTo(sourceState(db).tables());
            assertThat(((PgOffset) store.load(name).map(source::decodeOffset).orElseThrow()).progress())
                    .as("the snapshot is complete").isNull();
        }
    }

    /** Updates, deletes, inserts and key changes on the rows being read, until told to stop. */
    private static void write(PostgresDatabase db, AtomicBoolean stop, AtomicLong writes, long seed) {
        Random random = new Random(seed);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(3200);
                String sql = switch (random.nextInt(7)) {
                    case 0 -> "UPDATE par_big SET v = v + 1, s = s || 'u' WHERE id = " + id;
                    case 1 -> "DELETE FROM par_big WHERE id = " + id;
                    case 2 -> "INSERT INTO par_big VALUES (" + id + ", -1, 'i') ON CONFLICT (id) DO UPDATE SET v = -2";
                    case 3 -> "UPDATE par_big SET id = " + (4000 + random.nextInt(100_000)) + " WHERE id = " + id;
                    case 4 -> "UPDATE par_text SET v = v + 1, b = b || 'x' WHERE a = 'g" + id % 17 + "' AND b = 'k"
                            + id + "'";
                    case 5 -> "INSERT INTO par_few VALUES (" + id % 40 + ", " + id + ") ON CONFLICT (id) DO UPDATE"
                            + " SET v = -" + id;
                    default -> "BEGIN; DELETE FROM par_text WHERE b = 'k" + id + "'; INSERT INTO par_empty VALUES ("
                            + id + ", 1) ON CONFLICT (id) DO UPDATE SET v = par_empty.v + 1; COMMIT";
                };
                try {
                    s.execute(sql);
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) { // a key change onto a key that exists
                        throw e;
                    }
                    s.execute("ROLLBACK");
                }
                Thread.sleep(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closedMidSnapshotResumesAfterTheLastRowWithoutStartingOver(PostgresDatabase db) throws Exception {
        createTables(db);
        PostgresSource source = source(db).tables(TABLES).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(50).snapshotParallelism(3).build();
        PipelineContext context = context();
        List<ChangeEvent> before = new ArrayList<>();
        try (ChangeStream stream = source.open(null, context)) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (before.stream().filter(e -> e.op() == Op.READ).count() < 1500) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                before.addAll(stream.poll(Duration.ofMillis(100)));
            }
        } // stops in the middle of par_big; everything so far counts as durable
        db.execute("DELETE FROM par_big WHERE id = 3000", "UPDATE par_big SET v = -7 WHERE id = 1",
                "UPDATE par_text SET v = -7 WHERE a = 'g1'");
        PgOffset stored = (PgOffset) before.get(before.size() - 1).offset();
        assertThat(stored.progress().table().name()).isEqualTo("par_big");

        List<ChangeEvent> after = new ArrayList<>();
        try (ChangeStream stream = source.open(source.decodeOffset(stored.encode()), context)) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((PgOffset) stream.position()).progress() != null) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                after.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        assertThat(after).filteredOn(e -> e.op() == Op.TRUNCATE && e.table().name().equals("par_big"))
                .as("the table under way is not truncated again").isEmpty();
        long total = 2999 + 13 + 1700;
        long reads = before.stream().filter(e -> e.op() == Op.READ).count()
                + after.stream().filter(e -> e.op() == Op.READ).count();
        assertThat(reads).as("rows read in total").isLessThanOrEqualTo((long) (total * 1.2));
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(TableState.of(all).tables()).isEqualTo(sourceState(db).tables());
    }
}

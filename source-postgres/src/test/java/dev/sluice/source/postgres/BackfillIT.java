package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.OffsetStore;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.offset.JdbcOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Backfills on demand: a table (or the rows matching a condition) read again in chunks beside the stream. */
@ExtendWith(PostgresExtension.class)
class BackfillIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final TableId W = TableId.of("public", "w");

    private static PipelineContext context() {
        return PipelineContext.of("bfpg_" + PgTests.uniqueName(), Clock.systemUTC());
    }

    /** A source that streams from now on, without a snapshot: the sink holds none of the rows there already. */
    private static PostgresSource streaming(PostgresDatabase db, int chunkSize) {
        return source(db).snapshotMode(SnapshotMode.NEVER).snapshotChunkSize(chunkSize)
                .tables(TableFilter.include("public.w", "public.keyless")).build();
    }

    private static Map<String, String> sourceRows(PostgresDatabase db, String where) throws InterruptedException {
        PostgresSource reader = source(db).tables(TableFilter.include("public.w"))
                .snapshotMode(SnapshotMode.INITIAL_ONLY).build();
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = reader.open(null, context())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!stream.isFinished()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        Map<String, String> rows = TableState.of(events).tables().getOrDefault("public.w", Map.of());
        if (where != null) {
            rows.keySet().removeIf(key -> Integer.parseInt(key) <= 500);
        }
        return rows;
    }

    /**
     * Starts a pipeline that streams (no snapshot), backfills {@code w} (with the condition, if any) while the
     * writer changes rows, and runs until the backfill is done and every write is captured.
     */
    private static MemorySink backfillWhileWriting(PostgresDatabase db, String condition, int lowestKey)
            throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int, s text)",
                "INSERT INTO w SELECT i, i, 'r' || i FROM generate_series(1, 1500) i");
        PostgresSource source = streaming(db, 25);
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String name = context().pipelineName();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        try (Pipeline pipeline = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build()) {
            pipeline.startAndAwait(LIMIT);
            Thread writer = new Thread(() -> write(db, lowestKey, stop, writes), "bfpg-writer");
            writer.start();
            long before;
            try {
                // the writer runs before the backfill begins, so that it writes while the backfill reads
                long started = System.nanoTime();
                while (writes.get() < 10) {
                    assertThat(System.nanoTime() - started).as("the writer writes").isLessThan(LIMIT.toNanos());
                    Thread.sleep(5);
                }
                before = writes.get();
                pipeline.backfill(W, condition).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(store.load(name).orElseThrow()).as("recorded in the committed offset")
                        .contains(",backfill=");
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (store.load(name).orElseThrow().contains(",backfill=")) {
                    assertThat(System.nanoTime()).as("backfill done in time").isLessThan(deadline);
                    SnapshotStatus status = pipeline.status().snapshot();
                    if (status != null) {
                        assertThat(status.table()).isEqualTo(W);
                    }
                    Thread.sleep(20);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(writes.get()).as("writes while the backfill ran").isGreaterThan(before);
        }
        // the writes after the backfill's last commit
        assertThat(Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp().caughtUp()).isTrue();
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.TRUNCATE).as("a backfill truncates nothing")
                .isEmpty();
        return sink;
    }

    @Test
    void aBackfillWhileRowsChangeEndsInTheSourceState(PostgresDatabase db) throws Exception {
        MemorySink sink = backfillWhileWriting(db, null, 1);
        assertThat(TableState.of(sink.durable()).tables().get("public.w")).isEqualTo(sourceRows(db, null));
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ).hasSizeGreaterThan(1000);
    }

    @Test
    void aBackfillWithAConditionReadsTheMatchingRows(PostgresDatabase db) throws Exception {
        MemorySink sink = backfillWhileWriting(db, "id > 500 -- a comment ends with its line", 501);
        assertThat(TableState.of(sink.durable()).tables().get("public.w")).isEqualTo(sourceRows(db, "id > 500"));
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ)
                .allSatisfy(e -> assertThat((Integer) e.after().get(0)).isGreaterThan(500));
    }

    /** Updates, deletes, inserts and key changes of the rows with keys from {@code lowest}, until told to stop. */
    private static void write(PostgresDatabase db, int lowest, AtomicBoolean stop, AtomicLong writes) {
        Random random = new Random(31);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = lowest + random.nextInt(1800 - lowest);
                String sql = switch (random.nextInt(4)) {
                    case 0 -> "UPDATE w SET v = v + 1, s = s || 'u' WHERE id = " + id;
                    case 1 -> "DELETE FROM w WHERE id = " + id;
                    case 2 -> "INSERT INTO w VALUES (" + id + ", -1, 'i') ON CONFLICT (id) DO UPDATE SET v = -2";
                    default -> "UPDATE w SET id = " + (2000 + random.nextInt(100_000)) + " WHERE id = " + id;
                };
                try {
                    s.execute(sql);
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
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
    void aRestartInTheMiddleGoesOnAfterTheLastRowEmitted(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int, s text)",
                "INSERT INTO w SELECT i, i, 'r' || i FROM generate_series(1, 700) i");
        PostgresSource source = streaming(db, 20);
        PipelineContext context = context();
        List<ChangeEvent> before = new ArrayList<>();
        try (ChangeStream stream = source.open(null, context)) {
            stream.poll(Duration.ofMillis(10));
            stream.backfill(W, null);
            assertThat(((PgOffset) stream.position()).backfills().current().table()).isEqualTo(W);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (before.stream().filter(e -> e.op() == Op.READ).count() < 250) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                before.addAll(stream.poll(Duration.ofMillis(100)));
            }
            SnapshotStatus status = stream.snapshotStatus();
            assertThat(status.table()).isEqualTo(W);
            assertThat(status.rowsRead()).isEqualTo(before.stream().filter(e -> e.op() == Op.READ).count());
        }
        PgOffset stored = (PgOffset) before.get(before.size() - 1).offset();
        assertThat(stored.encode()).contains(",backfill=");
        assertThat(PgOffset.decode(stored.encode())).isEqualTo(stored);
        List<ChangeEvent> after = new ArrayList<>();
        try (ChangeStream stream = source.open(source.decodeOffset(stored.encode()), context)) {
            assertThat(stream.snapshotStatus().rowsRead()).as("resumed").isEqualTo(stored.backfills().current().rows());
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((PgOffset) stream.position()).backfills() != null) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                after.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(stream.snapshotStatus()).as("done").isNull();
        }
        long readBefore = before.stream().filter(e -> e.op() == Op.READ).count();
        assertThat(after).filteredOn(e -> e.op() == Op.READ).as("rows read after the restart: only the rest")
                .hasSize((int) (700 - readBefore));
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(TableState.of(all).tables().get("public.w")).isEqualTo(sourceRows(db, null));
    }

    @Test
    void requestsThatCannotBeServedAreRefusedWithTheirReason(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int)", "CREATE TABLE keyless (v int)",
                "ALTER TABLE keyless REPLICA IDENTITY FULL",
                "CREATE TABLE other (id int PRIMARY KEY)");
        PostgresSource source = streaming(db, 20);
        try (ChangeStream stream = source.open(null, context())) {
            stream.poll(Duration.ofMillis(10));
            assertThatThrownBy(() -> stream.backfill(TableId.of("public", "nope"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("there is no table public.nope");
            assertThatThrownBy(() -> stream.backfill(TableId.of("public", "other"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not captured")
                    .hasMessageContaining("add it to the filter");
            assertThatThrownBy(() -> stream.backfill(TableId.of("public", "keyless"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no primary key")
                    .hasMessageContaining("Fix: add a primary key");
            assertThatThrownBy(() -> stream.backfill(W, "colour = 'red'"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rejects the backfill condition")
                    .hasMessageContaining("colour");
            assertThatThrownBy(() -> stream.backfill(W, "v >"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("syntax error");
            assertThat(((PgOffset) stream.position()).backfills()).as("nothing queued").isNull();
        }
        try (Pipeline pipeline = Pipeline.builder().name(context().pipelineName()).source(source)
                .sink(new MemorySink()).offsetStore(new InMemoryOffsetStore()).build()) {
            pipeline.startAndAwait(LIMIT);
            assertThatThrownBy(() -> pipeline.backfill(W, "nope > 1").get(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope");
        }
    }

    @Test
    void aSignalInAFileOffsetStoreIsPickedUpAndRemoved(PostgresDatabase db, @TempDir Path dir) throws Exception {
        signalIsPickedUpAndRemoved(db, FileOffsetStore.in(dir));
    }

    @Test
    void aSignalInAJdbcOffsetStoreIsPickedUpAndRemoved(PostgresDatabase db) throws Exception {
        signalIsPickedUpAndRemoved(db, JdbcOffsetStore.create(db.dataSource(), "bfpg_offsets"));
    }

    private static void signalIsPickedUpAndRemoved(PostgresDatabase db, OffsetStore store) throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int, s text)",
                "INSERT INTO w SELECT i, i, 'r' || i FROM generate_series(1, 300) i");
        String name = context().pipelineName();
        MemorySink sink = new MemorySink();
        try (Pipeline pipeline = Pipeline.builder().name(name).source(streaming(db, 50)).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(50)).build()) {
            pipeline.startAndAwait(LIMIT);
            // as another process would: through the store alone
            String id = Pipeline.requestBackfill(store, name, W, "id <= 200");
            assertThat(store.signals(name)).extracting(OffsetStore.Signal::id).containsExactly(id);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!store.signals(name).isEmpty() || store.load(name).orElse("").contains(",backfill=")) {
                assertThat(System.nanoTime()).as("signal acted on in time").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ).hasSize(200);
        assertThat(TableState.of(sink.durable()).tables().get("public.w")).hasSize(200);
    }
}

package dev.sluice.source.mysql;

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
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Backfills on demand on MariaDB: a table (or the rows matching a condition) read again beside the binlog. */
@ExtendWith(MariaDbExtension.class)
class BackfillIT {

    private static final int ROWS = 2000;
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private static String name() {
        return "bf-maria-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40);
    }

    /** Streams from now on, without a snapshot: the sink holds none of the rows there already. */
    private static MySqlSource streaming(MariaDbDatabase db, int chunk) {
        return Streams.source(db).snapshotMode(SnapshotMode.NEVER).snapshotChunkSize(chunk)
                .tables(TableFilter.include(db.name() + ".*").exclude(db.name() + ".other")).build();
    }

    private static void createTable(MariaDbDatabase db, int rows) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, note varchar(20))");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int start = 1; start <= rows; start += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
                for (int id = start; id < start + 500 && id <= rows; id++) {
                    sql.append(id == start ? "" : ", ").append("(").append(id).append(", 0, 'initial')");
                }
                s.execute(sql.toString());
            }
        }
    }

    private static Map<String, String> sourceRows(MariaDbDatabase db, int lowest) throws Exception {
        Map<String, String> rows = IncrementalKeysIT.consistentSnapshot(db, TableId.of(db.name(), "t"));
        rows.keySet().removeIf(key -> Integer.parseInt(key) < lowest);
        return rows;
    }

    /**
     * Runs a pipeline that streams (no snapshot), backfills {@code t} with {@code condition} while a writer changes
     * rows with keys from {@code lowest}, until the backfill is done and every write is captured.
     */
    private static MemorySink backfillWhileWriting(MariaDbDatabase db, String condition, int lowest)
            throws Exception {
        createTable(db, ROWS);
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String name = name();
        TableId table = TableId.of(db.name(), "t");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();
        Thread writer = new Thread(() -> write(db, lowest, stop, failure, writes), "bf-maria-writer");
        int before;
        try (Pipeline pipeline = Pipeline.builder().name(name).source(streaming(db, 25)).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(20)).build()) {
            pipeline.startAndAwait(LIMIT);
            writer.start();
            waitFor(() -> writes.get() >= 10); // the writer runs before the backfill begins, and while it reads
            before = writes.get();
            pipeline.backfill(table, condition).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(store.load(name).orElseThrow()).as("recorded in the committed offset").contains(";backfill=");
            waitFor(() -> {
                SnapshotStatus status = pipeline.status().snapshot();
                assertThat(status == null || status.table().equals(table)).isTrue();
                return !store.load(name).orElseThrow().contains(";backfill=");
            });
            stop.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            db.execute("INSERT INTO t VALUES (-1, -1, 'end')");
            waitFor(() -> sink.durable().stream().anyMatch(e -> e.after() != null && e.after().get(0).equals(-1)));
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writes.get()).as("writes while the backfill ran").isGreaterThan(before);
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.TRUNCATE).as("a backfill truncates nothing")
                .isEmpty();
        return sink;
    }

    @Test
    void aBackfillWhileRowsChangeEndsInTheSourceState(MariaDbDatabase db) throws Exception {
        MemorySink sink = backfillWhileWriting(db, null, 1);
        TableId table = TableId.of(db.name(), "t");
        Map<String, String> expected = sourceRows(db, Integer.MIN_VALUE);
        assertThat(Folded.fold(sink.durable(), table)).isEqualTo(expected);
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ).hasSizeGreaterThan(ROWS / 2);
    }

    @Test
    void aBackfillWithAConditionReadsTheMatchingRows(MariaDbDatabase db) throws Exception {
        MemorySink sink = backfillWhileWriting(db, "id > 700 # a comment ends with its line", 701);
        TableId table = TableId.of(db.name(), "t");
        Map<String, String> folded = Folded.fold(sink.durable(), table);
        folded.remove("-1");
        Map<String, String> expected = sourceRows(db, 701);
        assertThat(folded).isEqualTo(expected);
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ)
                .allSatisfy(e -> assertThat((Integer) e.after().get(0)).isGreaterThan(700));
    }

    /** Inserts, deletes, updates and key changes of rows with keys from {@code lowest}. */
    private static void write(MariaDbDatabase db, int lowest, AtomicBoolean stop, AtomicReference<Exception> failure,
            AtomicInteger writes) {
        Random random = new Random(41);
        int next = ROWS + 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = lowest + random.nextInt(next - lowest);
                switch (random.nextInt(5)) {
                    case 0 -> s.execute("INSERT INTO t VALUES (" + next++ + ", 1, 'new')");
                    case 1 -> s.execute("DELETE FROM t WHERE id = " + id);
                    case 2 -> s.execute("UPDATE IGNORE t SET id = " + next++ + ", note = 'moved' WHERE id = " + id);
                    case 3 -> s.execute("INSERT INTO t VALUES (" + id + ", 5, 'again') ON DUPLICATE KEY UPDATE v = 6");
                    default -> s.execute("UPDATE t SET v = v + 1, note = 'upd' WHERE id = " + id);
                }
                writes.incrementAndGet();
                Thread.sleep(1);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    @Test
    void aRestartInTheMiddleGoesOnAfterTheLastRowEmitted(MariaDbDatabase db) throws Exception {
        createTable(db, 700);
        MySqlSource source = streaming(db, 20);
        TableId table = TableId.of(db.name(), "t");
        PipelineContext context = PipelineContext.of(name(), Clock.systemUTC());
        List<ChangeEvent> before = new ArrayList<>();
        try (ChangeStream stream = source.open(null, context)) {
            stream.poll(Duration.ofMillis(10));
            stream.backfill(table, null);
            assertThat(((MySqlOffset) stream.position()).backfills().current().table()).isEqualTo(table);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (before.stream().filter(e -> e.op() == Op.READ).count() < 250) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                before.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(stream.snapshotStatus().rowsRead())
                    .isEqualTo(before.stream().filter(e -> e.op() == Op.READ).count());
        }
        MySqlOffset stored = (MySqlOffset) before.get(before.size() - 1).offset();
        assertThat(stored.encode()).contains(";backfill=");
        List<ChangeEvent> after = new ArrayList<>();
        try (ChangeStream stream = source.open(source.decodeOffset(stored.encode()), context)) {
            assertThat(stream.snapshotStatus().rowsRead()).as("resumed").isEqualTo(stored.backfills().current().rows());
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((MySqlOffset) stream.position()).backfills() != null) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                after.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        long readBefore = before.stream().filter(e -> e.op() == Op.READ).count();
        assertThat(after).filteredOn(e -> e.op() == Op.READ).as("rows read after the restart: only the rest")
                .hasSize((int) (700 - readBefore));
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(Folded.fold(all, table)).isEqualTo(sourceRows(db, Integer.MIN_VALUE));
    }

    @Test
    void requestsThatCannotBeServedAreRefusedWithTheirReason(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE TABLE keyless (v int)",
                "CREATE TABLE other (id int PRIMARY KEY)");
        MySqlSource source = streaming(db, 20);
        TableId t = TableId.of(db.name(), "t");
        try (ChangeStream stream = source.open(null, PipelineContext.of(name(), Clock.systemUTC()))) {
            stream.poll(Duration.ofMillis(10));
            assertThatThrownBy(() -> stream.backfill(TableId.of(db.name(), "nope"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("there is no table");
            assertThatThrownBy(() -> stream.backfill(TableId.of(db.name(), "other"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not captured")
                    .hasMessageContaining("add it to the filter");
            assertThatThrownBy(() -> stream.backfill(TableId.of(db.name(), "keyless"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no primary key")
                    .hasMessageContaining("Fix: add a primary key");
            assertThatThrownBy(() -> stream.backfill(t, "colour = 'red'"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rejects the backfill condition")
                    .hasMessageContaining("colour");
            assertThatThrownBy(() -> stream.backfill(t, "v >"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SQL syntax");
            assertThat(((MySqlOffset) stream.position()).backfills()).as("nothing queued").isNull();
        }
        try (Pipeline pipeline = Pipeline.builder().name(name()).source(source).sink(new MemorySink())
                .offsetStore(new InMemoryOffsetStore()).build()) {
            pipeline.startAndAwait(LIMIT);
            assertThatThrownBy(() -> pipeline.backfill(t, "nope > 1").get(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope");
        }
    }

    @Test
    void aSignalInAFileOffsetStoreIsPickedUpAndRemoved(MariaDbDatabase db, @TempDir Path dir) throws Exception {
        signalIsPickedUpAndRemoved(db, FileOffsetStore.in(dir));
    }

    @Test
    void aSignalInAJdbcOffsetStoreIsPickedUpAndRemoved(MariaDbDatabase db) throws Exception {
        signalIsPickedUpAndRemoved(db, JdbcOffsetStore.create(db.dataSource(), "bf_maria_offsets"));
    }

    private static void signalIsPickedUpAndRemoved(MariaDbDatabase db, OffsetStore store) throws Exception {
        createTable(db, 300);
        String name = name();
        MemorySink sink = new MemorySink();
        try (Pipeline pipeline = Pipeline.builder().name(name).source(streaming(db, 50)).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(50)).build()) {
            pipeline.startAndAwait(LIMIT);
            String id = Pipeline.requestBackfill(store, name, TableId.of(db.name(), "t"), "id <= 200");
            assertThat(store.signals(name)).extracting(OffsetStore.Signal::id).containsExactly(id);
            waitFor(() -> store.signals(name).isEmpty() && !store.load(name).orElse("").contains(";backfill="));
        }
        assertThat(sink.durable()).filteredOn(e -> e.op() == Op.READ).hasSize(200);
        assertThat(Folded.fold(sink.durable(), TableId.of(db.name(), "t"))).hasSize(200);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

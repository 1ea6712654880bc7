package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.FlakyOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Incremental snapshots through a pipeline: under concurrent writes, and resumed after a stop or a failure. */
@ExtendWith(MariaDbExtension.class)
class IncrementalPipelineIT {

    private static final int ROWS = 3000;

    @Test
    void writerChangingRowsWhileTheSnapshotRunsLeavesTheSinkEqualToTheSource(MariaDbDatabase db) throws Exception {
        createTable(db);
        MemorySink sink = new MemorySink();
        FlakyOffsetStore offsets = new FlakyOffsetStore();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();
        Thread writer = new Thread(() -> write(db, stop, failure, writes), "incr-maria-writer");
        try (Pipeline pipeline = pipeline("incr-maria-writes", db, sink, offsets, 7)) {
            writer.start();
            pipeline.start();
            waitFor(() -> offsets.saved().stream().anyMatch(o -> o.contains(";chunk=") && o.contains("/t/")));
            waitFor(() -> !offsets.saved().isEmpty() && !last(offsets).contains(";chunk="));
            stop.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            db.execute("INSERT INTO t VALUES (-1, -1, 'end')");
            waitFor(() -> sink.durable().stream().anyMatch(e -> e.after() != null && e.after().get(0).equals(-1)));
        } finally {
            stop.set(true);
            writer.join();
        }
        List<ChangeEvent> events = sink.durable();
        long reads = events.stream().filter(e -> e.op() == Op.READ).count();
        long changes = events.stream().filter(e -> e.op() != Op.READ && e.op() != Op.TRUNCATE).count();
        assertThat(writes.get()).as("writes while the snapshot ran").isGreaterThan(100);
        assertThat(changes).as("changes streamed").isGreaterThan(100);
        assertThat(reads).isGreaterThan(ROWS / 2).isLessThanOrEqualTo(ROWS + writes.get());
        assertThat(events.stream().filter(e -> e.op() == Op.TRUNCATE).count()).isEqualTo(1);
        TableId table = TableId.of(db.name(), "t");
        assertThat(Folded.fold(events, table)).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, table));
    }

    @Test
    void closedMidSnapshotResumesWithTheNextChunkAndForgetsRowsDeletedMeanwhile(MariaDbDatabase db)
            throws Exception {
        createTable(db);
        MemorySink sink = new MemorySink();
        FlakyOffsetStore offsets = new FlakyOffsetStore();
        try (Pipeline pipeline = pipeline("incr-maria-close", db, sink, offsets, 50)) {
            pipeline.start();
            waitFor(() -> sink.durable().stream().filter(e -> e.op() == Op.READ).count() > ROWS / 3);
        }
        String stored = last(offsets);
        assertThat(stored).contains(";chunk=");
        long readBefore = sink.durable().stream().filter(e -> e.op() == Op.READ).count();
        assertThat(readBefore).isLessThan(ROWS);
        // while the pipeline is down: rows already read are deleted and changed, rows not read yet too
        db.execute("DELETE FROM t WHERE id IN (1, 2, 3, 2999)", "UPDATE t SET v = 77 WHERE id IN (4, 2998)",
                "INSERT INTO t VALUES (5000, 1, 'new')");
        try (Pipeline pipeline = pipeline("incr-maria-close", db, sink, offsets, 50)) {
            assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
        }
        assertThat(last(offsets)).doesNotContain(";chunk=");
        assertResumedOnce(db, sink.durable());
    }

    @Test
    void sinkFailuresMidSnapshotRecoverFromTheCommittedProgress(MariaDbDatabase db) throws Exception {
        createTable(db);
        MemorySink sink = new MemorySink().failWriteOnce(30).failWriteOnce(45).writeDelay(Duration.ofMillis(2));
        FlakyOffsetStore offsets = new FlakyOffsetStore();
        try (Pipeline pipeline = pipeline("incr-maria-crash", db, sink, offsets, 50)) {
            assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
        }
        assertThat(sink.opens()).as("the sink failed and recovered").isGreaterThan(2);
        assertThat(last(offsets)).doesNotContain(";chunk=");
        assertResumedOnce(db, sink.durable());
    }

    private static void assertResumedOnce(MariaDbDatabase db, List<ChangeEvent> events) throws Exception {
        assertThat(events.stream().filter(e -> e.op() == Op.TRUNCATE).count()).as("one TRUNCATE: the resume did"
                + " not begin the table again").isEqualTo(1);
        assertThat(events.stream().filter(e -> e.op() == Op.READ).count()).as("rows read in all")
                .isGreaterThanOrEqualTo(ROWS - 10).isLessThan((long) (ROWS * 1.2));
        TableId table = TableId.of(db.name(), "t");
        assertThat(Folded.fold(events, table)).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, table));
    }

    private static Pipeline pipeline(String name, MariaDbDatabase db, MemorySink sink, FlakyOffsetStore offsets,
            int chunk) {
        return Pipeline.builder().name(name)
                .source(Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(chunk).build())
                .sink(sink).offsetStore(offsets).batchSize(50).commitInterval(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    }

    private static void createTable(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, note varchar(20))");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int start = 1; start <= ROWS; start += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
                for (int id = start; id < start + 500; id++) {
                    sql.append(id == start ? "" : ", ").append("(").append(id).append(", 0, 'initial')");
                }
                s.execute(sql.toString());
            }
        }
    }

    private static String last(FlakyOffsetStore offsets) {
        List<String> saved = offsets.saved();
        return saved.get(saved.size() - 1);
    }

    /** Inserts, deletes, updates and key changes of random rows, some in two-row transactions. */
    private static void write(MariaDbDatabase db, AtomicBoolean stop, AtomicReference<Exception> failure,
            AtomicInteger writes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int next = ROWS + 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(next - 1);
                switch (random.nextInt(5)) {
                    case 0 -> s.execute("INSERT INTO t VALUES (" + next++ + ", 1, 'new')");
                    case 1 -> s.execute("DELETE FROM t WHERE id = " + id);
                    case 2 -> s.execute("UPDATE IGNORE t SET id = " + next++ + ", note = 'moved' WHERE id = " + id);
                    default -> {
                        c.setAutoCommit(false);
                        s.execute("UPDATE t SET v = v + 1, note = 'upd' WHERE id = " + id);
                        s.execute("UPDATE t SET v = v + 10 WHERE id = " + (1 + random.nextInt(next - 1)));
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
                writes.incrementAndGet();
                Thread.sleep(1);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

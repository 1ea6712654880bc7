package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.FlakyOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** snapshotParallelism: windows of several chunks read at once, over tables of uneven sizes. */
@ExtendWith(MariaDbExtension.class)
class ParallelSnapshotIT {

    private static final List<String> TABLES = List.of("par_big", "par_empty", "par_few", "par_text");
    private static final int ROWS = 3000 + 13 + 1700;

    private static void createTables(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE par_big (id int PRIMARY KEY, v int NOT NULL, note varchar(20))",
                "CREATE TABLE par_empty (id int PRIMARY KEY, v int)",
                "CREATE TABLE par_few (id int PRIMARY KEY, v int)",
                // a composite key of strings in a case-insensitive collation, whose order is not their numbers'
                "CREATE TABLE par_text (a varchar(10) COLLATE utf8mb4_general_ci, b varchar(10), v int,"
                        + " PRIMARY KEY (a, b))");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int start = 1; start <= 3000; start += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO par_big VALUES ");
                for (int id = start; id < start + 500; id++) {
                    sql.append(id == start ? "" : ", ").append("(").append(id).append(", 0, 'initial')");
                }
                s.execute(sql.toString());
            }
            StringBuilder sql = new StringBuilder("INSERT INTO par_text VALUES ");
            for (int i = 1; i <= 1700; i++) {
                sql.append(i == 1 ? "" : ", ").append("('").append(i % 2 == 0 ? "G" : "g").append(i % 17)
                        .append("', 'k").append(i).append("', ").append(i).append(")");
            }
            s.execute(sql.toString());
            s.execute("INSERT INTO par_few SELECT seq, seq FROM seq_1_to_13");
        }
    }

    private static Pipeline pipeline(String name, MariaDbDatabase db, MemorySink sink, FlakyOffsetStore offsets,
            int chunk, int parallelism) {
        return Pipeline.builder().name(name)
                .source(Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(chunk)
                        .snapshotParallelism(parallelism).build())
                .sink(sink).offsetStore(offsets).batchSize(50).commitInterval(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    }

    private static void assertSinkEqualsSource(MariaDbDatabase db, List<ChangeEvent> events, String as)
            throws Exception {
        for (String name : TABLES) {
            TableId table = TableId.of(db.name(), name);
            assertThat(Folded.fold(events, table)).as(as + ", " + name)
                    .isEqualTo(IncrementalKeysIT.consistentSnapshot(db, table));
        }
    }

    @Test
    void windowsOfSeveralChunksEmitEveryRowOnceInTableAndKeyOrder(MariaDbDatabase db) throws Exception {
        createTables(db);
        MySqlChangeStream stream = (MySqlChangeStream) Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(100).snapshotParallelism(4).build().open(null, Streams.CONTEXT);
        List<ChangeEvent> events;
        int chunks;
        int windows;
        try {
            IncrementalSnapshot snapshot = stream.incremental();
            events = IncrementalKeysIT.pollUntilSnapshotDone(stream);
            chunks = snapshot.chunks();
            windows = snapshot.windows();
        } finally {
            stream.close();
        }
        assertThat(chunks).as("chunks read").isGreaterThanOrEqualTo(3000 / 100 + 1700 / 100);
        assertThat(windows).as("windows, of up to 4 chunks each").isLessThan(chunks / 3);
        List<ChangeEvent> rows = events.stream().filter(e -> e.op() == Op.READ).toList();
        assertThat(rows).hasSize(ROWS);
        for (int i = 1; i < rows.size(); i++) { // (table, key) order: the progress only moves forward
            assertThat(((MySqlOffset) rows.get(i).offset()).chunk().rows())
                    .isEqualTo(((MySqlOffset) rows.get(i - 1).offset()).chunk().rows() + 1);
        }
        assertThat(events.stream().filter(e -> e.op() == Op.TRUNCATE).map(e -> e.table().name()))
                .containsExactlyElementsOf(TABLES);
        assertSinkEqualsSource(db, events, "read once");
    }

    @Test
    void concurrentWritesEndInTheSourceStateWithEveryParallelism(MariaDbDatabase db) throws Exception {
        createTables(db);
        for (int n = 2; n <= 4; n++) {
            MemorySink sink = new MemorySink();
            FlakyOffsetStore offsets = new FlakyOffsetStore();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Exception> failure = new AtomicReference<>();
            AtomicInteger writes = new AtomicInteger();
            int parallelism = n;
            Thread writer = new Thread(() -> write(db, stop, failure, writes, parallelism), "par-maria-writer");
            try (Pipeline pipeline = pipeline("par-maria-writes-" + n, db, sink, offsets, 40, n)) {
                writer.start();
                pipeline.start();
                waitFor(() -> !offsets.saved().isEmpty() && offsets.saved().get(0).contains(";chunk="));
                waitFor(() -> !last(offsets).contains(";chunk="));
                stop.set(true);
                writer.join();
                assertThat(failure.get()).isNull();
                db.execute("INSERT INTO par_big VALUES (-" + n + ", -1, 'end')");
                waitFor(() -> sink.durable().stream().anyMatch(e -> e.after() != null
                        && e.after().get(0).equals(-parallelism)));
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(writes.get()).as("writes while the snapshot ran").isGreaterThan(50);
            assertSinkEqualsSource(db, sink.durable(), "parallelism " + n);
        }
    }

    /** Updates, deletes, inserts and key changes on the rows being read, until told to stop. */
    private static void write(MariaDbDatabase db, AtomicBoolean stop, AtomicReference<Exception> failure,
            AtomicInteger writes, long seed) {
        Random random = new Random(seed);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(3200);
                switch (random.nextInt(7)) {
                    case 0 -> s.execute("UPDATE par_big SET v = v + 1, note = 'upd' WHERE id = " + id);
                    case 1 -> s.execute("DELETE FROM par_big WHERE id = " + id);
                    case 2 -> s.execute("INSERT INTO par_big VALUES (" + id + ", -1, 'ins') ON DUPLICATE KEY UPDATE"
                            + " v = -2");
                    case 3 -> s.execute("UPDATE IGNORE par_big SET id = " + (4000 + random.nextInt(100_000))
                            + ", note = 'moved' WHERE id = " + id);
                    case 4 -> s.execute("UPDATE IGNORE par_text SET v = v + 1, b = CONCAT(b, 'x') WHERE b = 'k" + id
                            + "'");
                    case 5 -> s.execute("INSERT INTO par_few VALUES (" + id % 40 + ", " + id + ") ON DUPLICATE KEY"
                            + " UPDATE v = -" + id);
                    default -> {
                        c.setAutoCommit(false);
                        s.execute("DELETE FROM par_text WHERE b = 'k" + id + "'");
                        s.execute("INSERT INTO par_empty VALUES (" + id + ", 1) ON DUPLICATE KEY UPDATE v = v + 1");
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
                writes.incrementAndGet();
                Thread.sleep(1);
            }
        } catch (SQLException | InterruptedException e) {
            failure.set(e);
        }
    }

    @Test
    void closedMidSnapshotResumesWithoutStartingOver(MariaDbDatabase db) throws Exception {
        createTables(db);
        MemorySink sink = new MemorySink();
        FlakyOffsetStore offsets = new FlakyOffsetStore();
        try (Pipeline pipeline = pipeline("par-maria-close", db, sink, offsets, 50, 3)) {
            pipeline.start();
            waitFor(() -> sink.durable().stream().filter(e -> e.op() == Op.READ).count() > 1500);
        }
        assertThat(last(offsets)).contains(";chunk=");
        assertThat(sink.durable().stream().filter(e -> e.op() == Op.READ).count()).isLessThan(ROWS);
        db.execute("DELETE FROM par_big WHERE id IN (1, 2, 3, 2999)", "UPDATE par_big SET v = 77 WHERE id IN (4, 2998)",
                "UPDATE par_text SET v = -7 WHERE a = 'g1'", "INSERT INTO par_big VALUES (5000, 1, 'new')");
        try (Pipeline pipeline = pipeline("par-maria-close", db, sink, offsets, 50, 3)) {
            assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
        }
        assertThat(last(offsets)).doesNotContain(";chunk=");
        assertThat(sink.durable().stream().filter(e -> e.op() == Op.READ).count()).as("rows read in all")
                .isLessThanOrEqualTo((long) (ROWS * 1.2));
        assertSinkEqualsSource(db, sink.durable(), "resumed");
    }

    private static String last(FlakyOffsetStore offsets) {
        List<String> saved = offsets.saved();
        return saved.get(saved.size() - 1);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

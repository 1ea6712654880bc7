package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.Row;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Writes run while the initial snapshot is read: the state rebuilt from the events equals the table. */
@ExtendWith(PostgresExtension.class)
class SeamIT {

    private static final int INITIAL_ROWS = 50_000;

    @Test
    void concurrentWritesDuringTheSnapshotAreNeitherLostNorDoubled(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL, note text)",
                "INSERT INTO accounts SELECT g, g, 'initial' FROM generate_series(1, " + INITIAL_ROWS + ") g");
        MemorySink sink = new MemorySink();
        Pipeline pipeline = Pipeline.builder().name(PgTests.uniqueName())
                .source(source(db).build()).sink(sink).offsetStore(new InMemoryOffsetStore())
                .commitInterval(Duration.ofMillis(50)).batchDelay(Duration.ofMillis(5)).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(db, stop, writerFailure), "seam-writer");
        writer.start();
        try {
            Thread.sleep(100); // the writer is busy before the slot and its snapshot exist
            pipeline.start();
            // keep writing until the stream (not only the snapshot) has delivered a good number of changes
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (streamed(sink) < 300 && System.nanoTime() < deadline && writerFailure.get() == null) {
                Thread.sleep(20);
            }
            stop.set(true);
            writer.join();
            assertThat(writerFailure.get()).isNull();
            PgOffset end = PgOffset.stream(currentLsn(db), 0);
            while (!covers(pipeline, end) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(covers(pipeline, end)).as("caught up with the last write").isTrue();
        } finally {
            stop.set(true);
            pipeline.close();
        }
        assertThat(streamed(sink)).isGreaterThanOrEqualTo(300);

        Map<Integer, Row> rebuilt = new TreeMap<>();
        for (ChangeEvent event : sink.durable()) {
            if (event.op() == Op.TRUNCATE) {
                rebuilt.clear(); // the snapshot's first event: forget what an earlier snapshot delivered
                continue;
            }
            int id = (Integer) event.row().get(0);
            switch (event.op()) {
                case READ -> assertThat(rebuilt.put(id, event.after())).as("row %d read twice", id).isNull();
                case INSERT -> assertThat(rebuilt.put(id, event.after())).as("row %d inserted twice", id).isNull();
                case UPDATE -> assertThat(rebuilt.put(id, event.after())).as("update of missing row %d", id).isNotNull();
                case DELETE -> assertThat(rebuilt.remove(id)).as("delete of missing row %d", id).isNotNull();
                default -> throw new AssertionError("unexpected " + event);
            }
        }
        assertThat(rebuilt).isEqualTo(table(db));
    }

    private static long streamed(MemorySink sink) {
        return sink.durable().stream().filter(e -> e.op() != Op.READ).count();
    }

    private static boolean covers(Pipeline pipeline, PgOffset end) {
        return pipeline.status().lastCommittedOffset() != null && pipeline.status().lastCommittedOffset().covers(end);
    }

    /** Small transactions of inserts, updates and deletes, as fast as the server takes them. */
    private static void write(PostgresDatabase db, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int nextId = INITIAL_ROWS + 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(nextId - 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.execute("INSERT INTO accounts VALUES (" + nextId++ + ", 0, 'new')");
                    case 1 -> s.execute("UPDATE accounts SET balance = balance + 1, note = 'updated' WHERE id = " + id);
                    default -> s.execute("DELETE FROM accounts WHERE id = " + id);
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static long currentLsn(PostgresDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_logical_emit_message(false, 'test-end', '')::text")) {
            rs.next();
            return PgOffset.parseLsn(rs.getString(1));
        }
    }

    private static Map<Integer, Row> table(PostgresDatabase db) throws Exception {
        Map<Integer, Row> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, balance, note FROM accounts")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), Row.of(rs.getInt(1), rs.getInt(2), rs.getString(3)));
            }
        }
        return rows;
    }
}

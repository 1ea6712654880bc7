package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.confirmedFlush;
import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A crash or a failure in the middle of a 100,000-row transaction: nothing lost, nothing doubled. */
@ExtendWith(PostgresExtension.class)
class LargeTransactionIT {

    private static final int ROWS = 100_000;

    @Test
    void resumesInTheMiddleOfALargeTransactionAfterACrash(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL)");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        String slot = source.slotName(context);
        List<ChangeEvent> firstRun;
        Offset crashPoint;
        try (ChangeStream stream = source.open(null, context)) {
            long before = confirmedFlush(db, slot);
            db.execute("INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            firstRun = poll(stream, 40_000);
            crashPoint = firstRun.get(24_999).offset();
            stream.committed(crashPoint);
            stream.poll(Duration.ofMillis(50)); // the poll that confirms

            PgOffset commitPoint = (PgOffset) crashPoint;
            assertThat(commitPoint.count()).isEqualTo(25_000);
            long confirmed = PgTests.awaitConfirmedFlush(db, slot, commitPoint.lsn());
            assertThat(confirmed).as("the slot stays at the partly delivered transaction's commit LSN")
                    .isEqualTo(commitPoint.lsn()).isGreaterThanOrEqualTo(before);
        } // a crash: nothing after event 25,000 was committed

        String stored = crashPoint.encode();
        List<ChangeEvent> secondRun = new ArrayList<>();
        try (ChangeStream stream = source.open(source.decodeOffset(stored), context)) {
            secondRun.addAll(poll(stream, ROWS - 25_000));
            secondRun.addAll(stream.poll(Duration.ofMillis(300)));
        }
        assertThat(secondRun).hasSize(ROWS - 25_000);
        for (int i = 0; i < secondRun.size(); i++) {
            ChangeEvent event = secondRun.get(i);
            assertThat(event.op()).isEqualTo(Op.INSERT);
            assertThat(event.after().get(0)).as("event %d after the restart", i).isEqualTo(25_001 + i);
            assertThat(event.after().get(1)).isEqualTo("row " + (25_001 + i));
        }
        List<ChangeEvent> delivered = new ArrayList<>(firstRun.subList(0, 25_000));
        delivered.addAll(secondRun);
        assertEveryRowOnce(delivered);
    }

    @Test
    void recoversFromASinkFailureInTheMiddleOfALargeTransaction(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL)");
        MemorySink sink = new MemorySink().failWriteOnce(60);
        Pipeline pipeline = Pipeline.builder().name(PgTests.uniqueName())
                .source(source(db).snapshotMode(SnapshotMode.NEVER).build())
                .sink(sink).offsetStore(new InMemoryOffsetStore())
                .commitInterval(Duration.ofMillis(50)).batchSize(1000).batchDelay(Duration.ofMillis(5))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
        pipeline.start();
        try {
            awaitRunning(pipeline);
            db.execute("INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sink.durable().size() < ROWS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
        } finally {
            pipeline.close();
        }
        assertThat(pipeline.status().recoveries()).as("the injected failure caused a recovery").isEqualTo(1);
        // the failed batch was never flushed, so even without de-duplication every row is there exactly once
        assertThat(sink.durable()).hasSize(ROWS);
        assertEveryRowOnce(sink.durable());
    }

    @Test
    void recoversFromALostReplicationConnectionInTheMiddleOfALargeTransaction(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL)");
        MemorySink sink = new MemorySink();
        String name = PgTests.uniqueName();
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        Pipeline pipeline = Pipeline.builder().name(name).source(source)
                .sink(sink).offsetStore(new InMemoryOffsetStore())
                .commitInterval(Duration.ofMillis(50)).batchSize(1000).batchDelay(Duration.ofMillis(5))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
        pipeline.start();
        try {
            awaitRunning(pipeline);
            db.execute("INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sink.durable().size() < 30_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (java.sql.Connection admin = db.adminConnect(); java.sql.Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                        + source.slotName(PgTests.context(name)) + "'");
            }
            while (distinctOffsets(sink) < ROWS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            pipeline.close();
        }
        assertThat(pipeline.status().recoveries()).as("the lost connection caused a recovery").isGreaterThanOrEqualTo(1);
        assertEveryRowOnce(sink.durable());
    }

    private static long distinctOffsets(MemorySink sink) {
        return sink.durable().stream().map(ChangeEvent::offset).distinct().count();
    }

    /** Opened its stream (the slot exists), so rows inserted now are captured. */
    private static void awaitRunning(Pipeline pipeline) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pipeline.status().lastCommittedOffset() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pipeline.status().lastCommittedOffset()).as("the stream reported a position").isNotNull();
    }

    /** After de-duplicating on the offset, rows 1 to ROWS each appear exactly once, with their value. */
    static void assertEveryRowOnce(List<ChangeEvent> events) {
        Map<Offset, ChangeEvent> byOffset = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            byOffset.putIfAbsent(event.offset(), event);
        }
        int[] seen = new int[ROWS + 1];
        for (ChangeEvent event : byOffset.values()) {
            int id = (Integer) event.after().get(0);
            assertThat(event.after().get(1)).isEqualTo("row " + id);
            seen[id]++;
        }
        for (int id = 1; id <= ROWS; id++) {
            assertThat(seen[id]).as("deliveries of row %d", id).isEqualTo(1);
        }
    }
}

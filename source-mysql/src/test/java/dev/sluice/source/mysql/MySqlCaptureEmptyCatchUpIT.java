package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A catch-up run over capture that has nothing to deliver yet returns at once instead of waiting forever. */
@ExtendWith(MariaDbExtension.class)
class MySqlCaptureEmptyCatchUpIT {

    private static CatchUpReport catchUp(JdbcCaptureSource source, MemorySink sink, InMemoryOffsetStore store)
            throws Exception {
        Pipeline pipeline = Pipeline.builder().name("empty-it").source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build();
        CompletableFuture<CatchUpReport> run = CompletableFuture.supplyAsync(() -> {
            try {
                return pipeline.runUntilCaughtUp();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        try {
            CatchUpReport report = run.get(20, TimeUnit.SECONDS);
            assertThat(report.caughtUp()).isTrue();
            return report;
        } finally {
            pipeline.close();
        }
    }

    private static List<Integer> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> ((Number) e.row().get(e.schema(), "id")).intValue()).toList();
    }

    @Test
    void triggerCaptureWithNoChangeEverRecordedCatchesUpAtOnceAndLaterDeliversTheFirstChanges(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY)");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource()).mode(Capture.TRIGGER).pollInterval(Duration.ofMillis(10)).build();
        source.install();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        catchUp(source, sink, store);
        assertThat(sink.durable()).isEmpty();
        db.execute("INSERT INTO a VALUES (1, 'x'), (2, 'y')");
        catchUp(source, sink, store);
        assertThat(ids(sink.durable())).containsExactly(1, 2);
    }

    @Test
    void triggerCaptureWhoseChangesWereAllRolledBackCatchesUp(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY) ENGINE=InnoDB");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource()).mode(Capture.TRIGGER).pollInterval(Duration.ofMillis(10)).build();
        source.install();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO a VALUES (1)");
            c.rollback();
        }
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        assertThat(sink.durable()).isEmpty();
        db.execute("INSERT INTO a VALUES (2)");
        catchUp(source, sink, store);
        assertThat(ids(sink.durable())).containsExactly(2);
    }

    @Test
    void timestampCaptureOfEmptyTablesCatchesUpAtOnceAndLaterDeliversTheFirstRows(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY,"
                + " updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6))");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").clockSkewMargin(Duration.ofMillis(10))
                // other tests on the shared server may keep INNODB_TRX stale: a short fallback window then
                .safetyWindow(Duration.ofMillis(500))
                .pollInterval(Duration.ofMillis(10)).build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        assertThat(sink.durable()).isEmpty();
        db.execute("INSERT INTO a (id) VALUES (1), (2)");
        Thread.sleep(1_500); // past the clock skew margin and the reuse of the last INNODB_TRX reading
        catchUp(source, sink, store);
        assertThat(ids(sink.durable())).containsExactly(1, 2);
    }

    @Test
    void timestampCatchUpWhoseNewestRowIsDeletedBeforeItIsReadStillEnds(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, updated_at timestamp(6) NOT NULL DEFAULT current_timestamp(6))",
                "INSERT INTO a (id) VALUES (1), (2), (3)");
        Thread.sleep(1_500); // past the clock skew margin
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").clockSkewMargin(Duration.ofMillis(10))
                // other tests on the shared server may keep INNODB_TRX stale: a short fallback window then
                .safetyWindow(Duration.ofMillis(500))
                .pollInterval(Duration.ofMillis(10)).build();
        // as a catch-up run does: the head first, then polls until the position covers it
        try (ChangeStream stream = source.open(null, PipelineContext.of("empty-it", Clock.systemUTC()))) {
            Offset head = stream.head();
            assertThat(head).isNotNull();
            db.execute("DELETE FROM a WHERE id = 3"); // the row the head points at, gone before it is read
            List<ChangeEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && (stream.position() == null || !stream.position().covers(head))) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(ids(events)).containsExactly(1, 2);
            assertThat(stream.position()).isNotNull();
            assertThat(stream.position().covers(head)).isTrue();
        }
    }
}

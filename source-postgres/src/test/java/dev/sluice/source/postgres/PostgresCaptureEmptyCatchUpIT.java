package dev.sluice.source.postgres;

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
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
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
@ExtendWith(PostgresExtension.class)
class PostgresCaptureEmptyCatchUpIT {

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
        return events.stream().map(e -> (Integer) e.row().get(e.schema(), "id")).toList();
    }

    @Test
    void triggerCaptureWithNoChangeEverRecordedCatchesUpAtOnceAndLaterDeliversTheFirstChanges(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY)");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
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
    void triggerCaptureWhoseChangesWereAllRolledBackCatchesUp(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
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
    void timestampCaptureOfEmptyTablesCatchesUpAtOnceAndLaterDeliversTheFirstRows(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").clockSkewMargin(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(10)).build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        assertThat(sink.durable()).isEmpty();
        db.execute("INSERT INTO a (id) VALUES (1), (2)");
        Thread.sleep(20); // past the clock skew margin
        catchUp(source, sink, store);
        assertThat(ids(sink.durable())).containsExactly(1, 2);
    }

    @Test
    void timestampCatchUpWhoseNewestRowIsDeletedBeforeItIsReadStillEnds(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO a (id) VALUES (1), (2), (3)");
        Thread.sleep(20); // past the clock skew margin
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").clockSkewMargin(Duration.ofMillis(10))
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

package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.Pipeline;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Both capture methods driven by a real {@link Pipeline}: catch-up runs resume from the stored offset. */
@ExtendWith(PostgresExtension.class)
class PostgresCapturePipelineIT {

    private static List<Integer> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> (Integer) e.row().get(e.schema(), "id")).toList();
    }

    private static CatchUpReport catchUp(JdbcCaptureSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("capture-it").source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build();
        CatchUpReport report = pipeline.runUntilCaughtUp();
        assertThat(report.caughtUp()).isTrue();
        return report;
    }

    @Test
    void triggerCaptureCatchesUpTwiceWithoutRepeatsAndPrunesTheChangeTable(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).mode(Capture.TRIGGER).batchSize(50)
                .pollInterval(Duration.ofMillis(10)).build();
        source.install();
        db.execute("INSERT INTO t SELECT g, 'v' FROM generate_series(1, 120) g");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        catchUp(source, sink, store);
        db.execute("INSERT INTO t SELECT g, 'v' FROM generate_series(121, 150) g", "DELETE FROM t WHERE id <= 10");
        catchUp(source, sink, store);
        List<Integer> ids = ids(sink.durable());
        List<Integer> expected = new ArrayList<>(IntStream.rangeClosed(1, 150).boxed().toList());
        expected.addAll(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(ids).containsExactlyElementsOf(expected);
        assertThat(store.load("capture-it")).isPresent();
        // the second run was told what the first committed; the rest is pruned by the next stream's first poll
        try (var stream = source.open(source.decodeOffset(store.load("capture-it").get()),
                dev.sluice.PipelineContext.of("capture-it", java.time.Clock.systemUTC()))) {
            assertThat(stream.poll(Duration.ofMillis(10))).isEmpty();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM sluice_changes")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void timestampCaptureCatchesUpTwiceWithoutRepeats(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO t (id) SELECT generate_series(1, 120)");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).timestampColumn("updated_at").batchSize(50)
                .clockSkewMargin(Duration.ofMillis(10)).pollInterval(Duration.ofMillis(10)).build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        Thread.sleep(20); // past the clock skew margin
        catchUp(source, sink, store);
        db.execute("INSERT INTO t (id) SELECT generate_series(121, 150)");
        Thread.sleep(20);
        catchUp(source, sink, store);
        assertThat(ids(sink.durable())).containsExactlyElementsOf(IntStream.rangeClosed(1, 150).boxed().toList());
    }
}

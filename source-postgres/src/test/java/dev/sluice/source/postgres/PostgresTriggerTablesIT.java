package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.testing.CaptureStreams;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Key changes' old keys, TRUNCATE, and tables created or re-created while trigger capture runs on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresTriggerTablesIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("trg-tables", Clock.systemUTC());

    private static JdbcCaptureSource source(PostgresDatabase db) {
        return JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource())
                .tables(TableFilter.include("public.*"))
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5))
                .build();
    }

    /** Polls until the stream fails; fails the test after {@code limit}. */
    private static FatalException pollUntilFatal(ChangeStream stream, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                stream.poll(Duration.ofMillis(50));
            } catch (FatalException e) {
                return e;
            }
        }
        throw new AssertionError("the stream did not stop within " + limit);
    }

    @Test
    void updateOfThePrimaryKeyCarriesTheOldKeyInTheBeforeImage(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE k (a INT, b VARCHAR(5), v INT, PRIMARY KEY (a, b))");
        JdbcCaptureSource source = source(db);
        source.install();
        db.execute("INSERT INTO k VALUES (1, 'x', 7)", "UPDATE k SET a = 10, b = 'y' WHERE a = 1",
                "UPDATE k SET v = 8 WHERE a = 10");
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 3, Duration.ofSeconds(30));
        }
        ChangeEvent keyChange = events.get(1);
        assertThat(keyChange.op()).isEqualTo(Op.UPDATE);
        assertThat(keyChange.before().values()).containsExactly(1, "x", 7);
        assertThat(keyChange.after().values()).containsExactly(10, "y", 7);
        assertThat(events.get(2).before().values()).containsExactly(10, "y", 7);
        assertThat(events.get(2).after().values()).containsExactly(10, "y", 8);
    }

    @Test
    void truncateArrivesAsATruncateEventInItsPlace(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        JdbcCaptureSource source = source(db);
        source.install();
        db.execute("INSERT INTO t VALUES (1), (2)", "TRUNCATE t", "INSERT INTO t VALUES (3)");
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 4, Duration.ofSeconds(30));
            Thread.sleep(1200); // the table watch finds nothing wrong: PostgreSQL records its truncates
            assertThat(stream.poll(Duration.ofMillis(50))).isEmpty();
        }
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.INSERT, Op.INSERT, Op.TRUNCATE, Op.INSERT);
        assertThat(events.get(2).table()).isEqualTo(TableId.of("public", "t"));
        assertThat(events.get(3).after().values()).containsExactly(3);
    }

    @Test
    void tableCreatedWhileRunningIsCapturedOnceInstalledAndStopsCaptureWhenWrittenWithoutTriggers(
            PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id INT PRIMARY KEY)");
        JdbcCaptureSource source = source(db);
        source.install();
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            db.execute("CREATE TABLE b (id INT PRIMARY KEY, v VARCHAR(3))", "INSERT INTO a VALUES (1)");
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 1, Duration.ofSeconds(30));
            Thread.sleep(1200); // an empty table without triggers is waited for: nothing is lost yet
            events.addAll(stream.poll(Duration.ofMillis(50)));
            assertThat(source.install()).contains(TableId.of("public", "b"));
            db.execute("INSERT INTO b VALUES (5, 'new')");
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 2, Duration.ofSeconds(30));
            assertThat(events.get(1).table()).isEqualTo(TableId.of("public", "b"));
            assertThat(events.get(1).after().values()).containsExactly(5, "new");

            db.execute("CREATE TABLE c (id INT PRIMARY KEY)", "INSERT INTO c VALUES (1)");
            FatalException e = pollUntilFatal(stream, Duration.ofSeconds(20));
            assertThat(e).hasMessageContaining(TableId.of("public", "c") + " matches the table filter")
                    .hasMessageContaining("created after install()").hasMessageContaining("Fix: run install()");
        }
        // and it is refused at the start too, until it has its triggers
        assertThatThrownBy(() -> source.open(null, CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining(TableId.of("public", "c") + " matches the table filter");
    }

    @Test
    void tableDroppedAndCreatedAgainWhileRunningStopsCapture(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)", "CREATE TABLE other (id INT PRIMARY KEY)");
        JdbcCaptureSource source = source(db);
        source.install();
        db.execute("INSERT INTO t VALUES (1), (2)");
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            CaptureStreams.pollCount(stream, 2, Duration.ofSeconds(30));
            db.execute("DROP TABLE t");
            Thread.sleep(1200);
            stream.poll(Duration.ofMillis(50));
            db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            source.install();
            db.execute("INSERT INTO t VALUES (3)");
            FatalException e = pollUntilFatal(stream, Duration.ofSeconds(20));
            assertThat(e).hasMessageContaining(TableId.of("public", "t") + " was replaced");
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Trigger and timestamp capture chosen on the {@link MySqlSource} builder, as users write it. */
@ExtendWith(MariaDbExtension.class)
class MySqlSourceCaptureIT {

    private static List<String> changes(MemorySink sink) {
        return sink.durable().stream().map(MySqlSourceCaptureIT::describe).toList();
    }

    private static String describe(ChangeEvent e) {
        return e.op() + " " + e.row().get(e.schema(), "id") + " " + e.row().get(e.schema(), "name");
    }

    private static void catchUp(MySqlSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("builder-capture").source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build();
        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
    }

    private static MySqlSource.Builder builder(MariaDbDatabase db) {
        return MySqlSource.builder().jdbcUrl(db.jdbcUrl()).user(db.user()).password(db.password())
                .tables(TableFilter.include(db.name() + ".item")).pollInterval(Duration.ofMillis(20));
    }

    @Test
    void triggerCaptureSeesInsertsUpdatesAndDeletes(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text)");
        MySqlSource source = builder(db).capture(Capture.TRIGGER).build();
        assertThat(source.capture()).isEqualTo(Capture.TRIGGER);
        assertThat(source.installTriggers()).containsExactly(TableId.of(db.name(), "item"));
        db.execute("INSERT INTO item VALUES (1, 'apparel'), (2, 'food')", "UPDATE item SET name = 'grocery' WHERE id = 2",
                "DELETE FROM item WHERE id = 1");
        MemorySink sink = new MemorySink();

        catchUp(source, sink, new InMemoryOffsetStore());

        assertThat(changes(sink)).containsExactly("INSERT 1 apparel", "INSERT 2 food", "UPDATE 2 grocery",
                "DELETE 1 apparel");
        source.uninstallTriggers();
    }

    @Test
    void timestampCapturePollsTheUpdateColumn(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text, updated_at timestamp(6) NOT NULL DEFAULT now(6))",
                "INSERT INTO item (id, name) VALUES (1, 'apparel'), (2, 'food')");
        MySqlSource source = builder(db).capture(Capture.TIMESTAMP).timestampColumn("updated_at").build();
        Thread.sleep(1100); // past the default clock-skew margin, so the rows are below the watermark
        MemorySink sink = new MemorySink();

        catchUp(source, sink, new InMemoryOffsetStore());

        assertThat(sink.durable()).extracting(ChangeEvent::op).containsOnly(Op.UPDATE);
        assertThat(changes(sink)).containsExactly("UPDATE 1 apparel", "UPDATE 2 food");
    }

    @Test
    void timestampCatchUpWaitsForRowsCommittedBeforeItWhenTheWatermarkFallsBack(MariaDbDatabase db)
            throws Exception {
        // without PROCESS the watermark is now minus the safety window: rows committed just before the run lie
        // above it, and a target read below it would let the run end without them
        String user = "capture_fixes_np_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.adminUser(), db.adminPassword());
                Statement s = admin.createStatement()) {
            s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'");
            try {
                s.execute("GRANT SELECT ON `" + db.name() + "`.* TO '" + user + "'@'%'");
                db.execute("CREATE TABLE item (id int PRIMARY KEY, name text,"
                        + " updated_at timestamp(6) NOT NULL DEFAULT now(6))",
                        "INSERT INTO item (id, name) VALUES (1, 'apparel'), (2, 'food')");
                MySqlSource source = builder(db).user(user).password("pw").capture(Capture.TIMESTAMP)
                        .timestampColumn("updated_at").safetyWindow(Duration.ofSeconds(2)).build();
                MemorySink sink = new MemorySink();

                catchUp(source, sink, new InMemoryOffsetStore());

                assertThat(changes(sink)).containsExactly("UPDATE 1 apparel", "UPDATE 2 food");
            } finally {
                s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
            }
        }
    }

    @Test
    void theSafetyWindowMustBePositive() {
        assertThatThrownBy(() -> MySqlSource.builder().safetyWindow(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("safetyWindow must be positive, was PT0S");
    }

    @Test
    void pollingNeedsADatabase() {
        assertThatThrownBy(() -> MySqlSource.builder().host("db").user("u").capture(Capture.TRIGGER).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TRIGGER capture needs the database that holds its change table: call database(…) or"
                        + " name it in jdbcUrl(…)");
    }

    @Test
    void triggersBelongToTriggerCapture(MariaDbDatabase db) {
        assertThatThrownBy(() -> builder(db).build().installTriggers())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("triggers belong to trigger capture: build the source with capture(Capture.TRIGGER)");
    }
}

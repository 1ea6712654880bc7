package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Trigger and timestamp capture chosen on the {@link PostgresSource} builder, as users write it. */
@ExtendWith(PostgresExtension.class)
class PostgresSourceCaptureIT {

    private static List<String> changes(MemorySink sink) {
        return sink.durable().stream().map(PostgresSourceCaptureIT::describe).toList();
    }

    private static String describe(ChangeEvent e) {
        return e.op() + " " + e.row().get(e.schema(), "id") + " " + e.row().get(e.schema(), "name");
    }

    private static void catchUp(PostgresSource source, MemorySink sink, InMemoryOffsetStore store)
            throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("builder-capture").source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build();
        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
    }

    private static PostgresSource.Builder builder(PostgresDatabase db) {
        return PostgresSource.builder().jdbcUrl(db.jdbcUrl()).user(db.user()).password(db.password())
                .tables(TableFilter.include("public.item")).pollInterval(Duration.ofMillis(20));
    }

    @Test
    void triggerCaptureSeesInsertsUpdatesAndDeletes(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text)");
        PostgresSource source = builder(db).capture(Capture.TRIGGER)
                .changeTable(TableId.of("public", "item changes")).build();
        assertThat(source.capture()).isEqualTo(Capture.TRIGGER);
        assertThat(source.installTriggers()).containsExactly(TableId.of("public", "item"));
        db.execute("INSERT INTO item VALUES (1, 'apparel'), (2, 'food')", "UPDATE item SET name = 'grocery' WHERE id = 2",
                "DELETE FROM item WHERE id = 1");
        MemorySink sink = new MemorySink();

        catchUp(source, sink, new InMemoryOffsetStore());

        assertThat(changes(sink)).containsExactly("INSERT 1 apparel", "INSERT 2 food", "UPDATE 2 grocery",
                "DELETE 1 apparel");
        try (var connection = db.connect(); var rows = connection.createStatement()
                .executeQuery("SELECT to_regclass('public.\"item changes\"') IS NOT NULL")) {
            assertThat(rows.next() && rows.getBoolean(1)).as("the named change table").isTrue();
        }
        source.uninstallTriggers();
    }

    @Test
    void timestampCapturePollsTheUpdateColumn(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO item (id, name) VALUES (1, 'apparel'), (2, 'food')");
        PostgresSource source = builder(db).capture(Capture.TIMESTAMP).timestampColumn("updated_at").build();
        Thread.sleep(1100); // past the default clock-skew margin, so the rows are below the watermark
        MemorySink sink = new MemorySink();

        catchUp(source, sink, new InMemoryOffsetStore());

        assertThat(sink.durable()).extracting(ChangeEvent::op).containsOnly(Op.UPDATE);
        assertThat(changes(sink)).containsExactly("UPDATE 1 apparel", "UPDATE 2 food");
    }

    @Test
    void triggersBelongToTriggerCapture(PostgresDatabase db) {
        assertThatThrownBy(() -> builder(db).build().installTriggers())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("triggers belong to trigger capture: build the source with capture(Capture.TRIGGER)");
    }
}

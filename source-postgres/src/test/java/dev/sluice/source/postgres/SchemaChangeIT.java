package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.Type;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Columns added, dropped, renamed and retyped while inserts keep coming: events carry the schema of their time, and
 * each change but the drop reads the table again (SchemaChangesIT checks the values that read brings).
 */
@ExtendWith(PostgresExtension.class)
class SchemaChangeIT {

    @Test
    void eventsCarryTheNewSchemaFromEachChangeOn(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text DEFAULT 'v')");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ChangeStream stream = source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, context(PgTests.uniqueName()))) {
            Thread writer = new Thread(() -> {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        s.execute("INSERT INTO t (id) VALUES (" + (written.get() + 1) + ")");
                        written.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "ddl-writer");
            writer.start();
            List<ChangeEvent> events = new ArrayList<>();
            List<ChangeEvent> rereads = new ArrayList<>();
            String[] ddl = {"ALTER TABLE t ADD COLUMN extra text DEFAULT 'x'", "ALTER TABLE t DROP COLUMN v",
                "ALTER TABLE t RENAME COLUMN extra TO renamed", "ALTER TABLE t ALTER COLUMN renamed TYPE varchar(5)"};
            for (String statement : ddl) {
                awaitMore(stream, events, rereads, written, 50);
                db.execute(statement);
            }
            awaitMore(stream, events, rereads, written, 50);
            stop.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((events.size() < written.get() || truncates(rereads) < 3) && System.nanoTime() < deadline) {
                split(stream.poll(Duration.ofMillis(100)), events, rereads);
            }

            assertThat(events).hasSize(written.get());
            List<Schema> versions = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                ChangeEvent event = events.get(i);
                assertThat(event.op()).isEqualTo(Op.INSERT);
                assertThat(event.after().get(0)).as("insert %d in order", i).isEqualTo(i + 1);
                if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(event.schema())) {
                    versions.add(event.schema());
                }
                Schema schema = event.schema();
                for (int c = 1; c < schema.size(); c++) {
                    String name = schema.column(c).name();
                    assertThat(event.after().get(c)).as("%s of insert %d", name, i + 1)
                            .isEqualTo(name.equals("v") ? "v" : "x");
                }
            }
            assertThat(versions).extracting(s -> s.columns().stream().map(Column::name).toList()).containsExactly(
                    List.of("id", "v"), List.of("id", "v", "extra"), List.of("id", "extra"), List.of("id", "renamed"),
                    List.of("id", "renamed"));
            assertThat(versions.get(3).column(1).type()).isEqualTo(Type.STRING);
            assertThat(versions.get(3).column(1).sourceType()).isEqualTo("text");
            assertThat(versions.get(4).column(1).sourceType()).isEqualTo("character varying(5)");
            assertThat(versions).allSatisfy(s -> assertThat(s.keyColumns()).extracting(Column::name).containsExactly("id"));
            // one read each for the added column, the rename and the type change; none for the drop
            assertThat(truncates(rereads)).isEqualTo(3);
        } finally {
            stop.set(true);
        }
    }

    /** Polls until at least {@code more} further inserts were written and received. */
    private static void awaitMore(ChangeStream stream, List<ChangeEvent> events, List<ChangeEvent> rereads,
            AtomicInteger written, int more) throws InterruptedException {
        int target = written.get() + more;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((written.get() < target || events.size() < target) && System.nanoTime() < deadline) {
            split(stream.poll(Duration.ofMillis(20)), events, rereads);
        }
        assertThat(events.size()).isGreaterThanOrEqualTo(target);
    }

    /** The stream's inserts to {@code inserts}, the TRUNCATE and READ events of a re-read to {@code rereads}. */
    private static void split(List<ChangeEvent> polled, List<ChangeEvent> inserts, List<ChangeEvent> rereads) {
        for (ChangeEvent event : polled) {
            (event.op() == Op.INSERT ? inserts : rereads).add(event);
        }
    }

    private static long truncates(List<ChangeEvent> rereads) {
        return rereads.stream().filter(e -> e.op() == Op.TRUNCATE).count();
    }
}

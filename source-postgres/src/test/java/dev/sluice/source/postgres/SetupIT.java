package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.awaitConfirmedFlush;
import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publication follows the configuration; an idle captured table does not pin the slot. */
@ExtendWith(PostgresExtension.class)
class SetupIT {

    @Test
    void addingATableToTheConfigurationAddsItToThePublication(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)");
        PipelineContext context = context(PgTests.uniqueName());
        PostgresSource onlyA = source(db).tables(TableFilter.include("public.a")).build();
        Offset committed;
        try (ChangeStream stream = onlyA.open(null, context)) {
            db.execute("INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)");
            List<ChangeEvent> events = poll(stream, 1);
            events.addAll(stream.poll(Duration.ofMillis(300)));
            assertThat(events).extracting(ChangeEvent::table).containsExactly(TableId.of("public", "a"));
            committed = events.get(0).offset();
        }
        assertThat(published(db, onlyA.publicationName(context))).containsExactly("a");

        PostgresSource both = source(db).tables(TableFilter.include("public.a", "public.b")).build();
        try (ChangeStream stream = both.open(committed, context)) {
            assertThat(published(db, both.publicationName(context))).containsExactly("a", "b");
            db.execute("INSERT INTO b VALUES (2)");
            // b joined the publication at open: where the stream meets that point its rows are read (after a
            // TRUNCATE of it; the insert made since included), then the stream brings the insert itself
            List<ChangeEvent> events = poll(stream, 4);
            assertThat(events).extracting(e -> e.op() + " " + e.table() + (e.after() == null ? "" : " " + e.after().get(0)))
                    .containsExactly("TRUNCATE public.b", "READ public.b 1", "READ public.b 2", "INSERT public.b 2");
        }
    }

    @Test
    void idleCapturedTableDoesNotPinTheSlotWhileOtherTablesWrite(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE captured (id int PRIMARY KEY)", "CREATE TABLE busy (id int PRIMARY KEY)");
        PostgresSource source = source(db).tables(TableFilter.include("public.captured"))
                .snapshotMode(SnapshotMode.NEVER).heartbeatInterval(Duration.ofMillis(100))
                .statusInterval(Duration.ofMillis(100)).build();
        PipelineContext context = context(PgTests.uniqueName());
        String slot = source.slotName(context);
        try (ChangeStream stream = source.open(null, context)) {
            long start = PgTests.confirmedFlush(db, slot);
            db.execute("INSERT INTO busy SELECT generate_series(1, 1000)");
            long end = endOfLog(db);
            List<ChangeEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((stream.position() == null || ((PgOffset) stream.position()).lsn() < end)
                    && System.nanoTime() < deadline) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            assertThat(events).as("nothing of the captured table changed").isEmpty();
            PgOffset position = (PgOffset) stream.position();
            assertThat(position.lsn()).as("keepalives moved the position past the other table's writes")
                    .isGreaterThanOrEqualTo(end);
            stream.committed(position);
            stream.poll(Duration.ofMillis(50));
            assertThat(awaitConfirmedFlush(db, slot, position.lsn())).isGreaterThan(start)
                    .isGreaterThanOrEqualTo(position.lsn());
        }
    }

    private static long endOfLog(PostgresDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_logical_emit_message(false, 'test', '')::text")) {
            rs.next();
            return PgOffset.parseLsn(rs.getString(1));
        }
    }

    private static List<String> published(PostgresDatabase db, String publication) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tablename FROM pg_publication_tables WHERE pubname = '"
                        + publication + "' ORDER BY tablename")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}

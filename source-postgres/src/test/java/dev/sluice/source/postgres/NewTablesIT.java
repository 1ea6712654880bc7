package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tables that come to match the filter while the pipeline runs are captured from their first row. */
@ExtendWith(PostgresExtension.class)
class NewTablesIT {

    private static final TableId NEWT = TableId.of("public", "newt");

    private static PostgresSource.Builder watching(PostgresDatabase db) {
        return source(db).tables(TableFilter.include("public.*")).tableCheckInterval(Duration.ofMillis(200));
    }

    @Test
    void aTableCreatedWhileRunningIsCapturedFromItsFirstRow(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)", "INSERT INTO a VALUES (1)");
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            Map<Object, Object> state = new TreeMap<>();
            pollUntil(stream, NEWT, state, s -> false, Duration.ofMillis(500)); // the snapshot of a
            db.execute("CREATE TABLE newt (id int PRIMARY KEY, v text)", "INSERT INTO newt VALUES (1, 'x')",
                    "UPDATE newt SET v = 'y' WHERE id = 1", "INSERT INTO newt VALUES (2, 'z'), (3, 'gone')",
                    "DELETE FROM newt WHERE id = 3");
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(1, "y", 2, "z")), Duration.ofSeconds(20));
            db.execute("INSERT INTO newt VALUES (4, 'w')", "UPDATE newt SET v = 'v' WHERE id = 2");
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(1, "y", 2, "v", 4, "w")), Duration.ofSeconds(20));
        }
    }

    @Test
    void aTableDroppedAndRecreatedWhileRunningEndsWithOnlyTheNewRows(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE newt (id int PRIMARY KEY, v text)", "INSERT INTO newt VALUES (1, 'old'), (2, 'old')");
        try (ChangeStream stream = watching(db).build().open(null, context(PgTests.uniqueName()))) {
            Map<Object, Object> state = new TreeMap<>();
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(1, "old", 2, "old")), Duration.ofSeconds(20));
            db.execute("DROP TABLE newt", "CREATE TABLE newt (id int PRIMARY KEY, v text, w int)",
                    "INSERT INTO newt VALUES (2, 'new', 7)", "INSERT INTO newt VALUES (5, 'new', 8)");
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(2, "new", 5, "new")), Duration.ofSeconds(20));
            db.execute("UPDATE newt SET v = 'newer' WHERE id = 5");
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(2, "new", 5, "newer")), Duration.ofSeconds(20));
        }
    }

    @Test
    void aRestartBeforeTheNewTablesRowsWereCommittedReadsThemAgain(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)");
        PostgresSource source = watching(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset committed;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("INSERT INTO a VALUES (1)");
            committed = PgTests.poll(stream, 1).get(0).offset();
            db.execute("CREATE TABLE newt (id int PRIMARY KEY, v text)", "INSERT INTO newt VALUES (1, 'x')");
            pollUntil(stream, NEWT, new TreeMap<>(), s -> s.equals(Map.of(1, "x")), Duration.ofSeconds(20));
        } // a crash before the table's events were committed
        try (ChangeStream stream = source.open(committed, context)) {
            Map<Object, Object> state = new TreeMap<>();
            state.put(99, "stale"); // what a sink might hold: the TRUNCATE must clear it
            pollUntil(stream, NEWT, state, s -> s.equals(Map.of(1, "x")), Duration.ofSeconds(20));
        }
    }

    @Test
    void aNewTableTheUserMayNotAddToThePublicationStopsNamingTheFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)");
        try (ChangeStream stream = watching(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, context(PgTests.uniqueName()))) {
            try (Connection admin = db.adminConnect(); Statement s = admin.createStatement()) {
                s.execute("CREATE TABLE public.foreign_owned (id int PRIMARY KEY)");
                s.execute("GRANT SELECT ON public.foreign_owned TO " + db.user());
            }
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    stream.poll(Duration.ofMillis(100));
                }
            }).isInstanceOf(FatalException.class).hasMessageContaining("public.foreign_owned")
                    .hasMessageContaining("ALTER PUBLICATION").hasMessageContaining("Fix:");
        }
    }

    /**
     * Polls, applying the events of {@code table} to {@code state} (key to second column) the way a sink does,
     * until the condition holds (or, for a condition that never holds, until the time is up).
     */
    private static List<ChangeEvent> pollUntil(ChangeStream stream, TableId table, Map<Object, Object> state,
            Predicate<Map<Object, Object>> done, Duration limit) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.test(state) && System.nanoTime() < deadline) {
            for (ChangeEvent event : stream.poll(Duration.ofMillis(100))) {
                events.add(event);
                if (!event.table().equals(table)) {
                    continue;
                }
                switch (event.op()) {
                    case TRUNCATE -> state.clear();
                    case DELETE -> state.remove(event.before().get(0));
                    default -> state.put(event.after().get(0), event.after().get(1));
                }
            }
        }
        if (limit.toMillis() > 1000) { // a short limit only lets events pass
            assertThat(state).as("state of %s after %s", table, events.stream().map(e -> e.op() + " " + e.table()
                    + (e.row() == null ? "" : " " + e.row().values())).toList()).matches(done);
        }
        return events;
    }
}

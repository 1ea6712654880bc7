package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A continuous {@code sluice replicate} outlives an outage of its source and carries on when it is over. */
@ExtendWith(PostgresExtension.class)
class OutageIT {

    @Test
    void aContinuousRunRidesOutAThirtySecondSourceOutageAndCapturesWhatCameAfter(PostgresDatabase db,
            @TempDir Path lake) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text)", "INSERT INTO item VALUES (1, 'before')");
        try (Outage outage = new Outage(db.port())) {
            String url = db.jdbcUrl().replace(":" + db.port() + "/", ":" + outage.port() + "/");
            assertThat(url).contains(":" + outage.port() + "/");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread cli = new Thread(() -> exit.set(new Sluice(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(out, true, StandardCharsets.UTF_8), Map.of("SLUICE_PASSWORD", db.password()),
                    false).run(List.of("replicate", "--source", "postgres", "--url", url, "--user", db.user(),
                            "--tables", "public.item", "--out", lake.toString(), "--pipeline", "outage-" + db.name(),
                            "--commit-interval", "500ms"))), "cli");
            cli.start();
            try {
                awaitRows(lake, List.of(List.of("1", "before")), Duration.ofSeconds(60));

                outage.down(); // the old default gave up at the 4th failure, 7 s after the first
                Thread.sleep(30_000); // PostgreSQL notices the cut only ~10 s later (see the report)
                assertThat(cli.isAlive()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
                outage.up();
                db.execute("INSERT INTO item VALUES (2, 'after')", "UPDATE item SET name = 'changed' WHERE id = 1");

                awaitRows(lake, List.of(List.of("1", "changed"), List.of("2", "after")), Duration.ofSeconds(90));
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("retrying in 8000 ms (attempt 4)");
            } finally {
                cli.interrupt();
                cli.join(Duration.ofSeconds(40).toMillis());
            }
            assertThat(exit.get()).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(130);
        }
    }

    private static void awaitRows(Path lake, List<List<String>> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<String>> rows = List.of();
        while (System.nanoTime() < deadline) {
            try {
                rows = Lake.currentRows(lake, "public", "item", "id, name", "id");
                if (rows.equals(expected)) {
                    return;
                }
            } catch (SQLException noFilesYet) {
                // nothing committed yet
            }
            Thread.sleep(250);
        }
        assertThat(rows).as("the lake after " + timeout).isEqualTo(expected);
    }
}

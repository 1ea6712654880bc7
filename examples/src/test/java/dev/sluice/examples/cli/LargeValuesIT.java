package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded end to end: rows with 5 MB values, from a real PostgreSQL through {@code sluice replicate}
 * into a local Parquet folder, in a JVM of 256 MB — streamed and snapshotted.
 *
 * <p>Every stage is bounded in bytes: the PostgreSQL source's snapshot fetches and polls, the engine's batches
 * (core's {@code PipelineHeapIT} shows that part alone), and the Parquet sink's buffers. The snapshot starts each
 * table with a truncate row, which has no values: parquet-java's guess of when to check its sizes next, taken from
 * it, let the 5 MB values pile up in one page until the heap ran out. {@code -Dsluice.it.gcLog=/tmp/gc-%p.log} keeps
 * the child's GC log, to read its peak heap from.
 */
@ExtendWith(PostgresExtension.class)
class LargeValuesIT {

    private static final int ROWS = 40;
    private static final int VALUE_CHARS = 5_000_000;

    @TempDir
    Path dir;

    private Process cli(PostgresDatabase db, Path lake, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("sluice.it.heap", "-Xmx256m"),
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), Sluice.class.getName(),
                "replicate", "--source", "postgres", "--url", db.jdbcUrl(), "--user", db.user(),
                "--tables", "public.big", "--out", lake.toString(), "--pipeline", "big-" + db.name(),
                "--commit-interval", "1s", "--until-caught-up"));
        String gcLog = System.getProperty("sluice.it.gcLog");
        if (gcLog != null) { // -Dsluice.it.gcLog=/tmp/gc.log: the child's GC log, to read its peak heap from
            command.add(1, "-Xlog:gc:file=" + gcLog);
        }
        command.addAll(List.of(more));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli.log").toFile());
        builder.environment().put("SLUICE_PASSWORD", db.password());
        return builder.start();
    }

    private String run(PostgresDatabase db, Path lake) throws Exception {
        Process process = cli(db, lake);
        boolean done = process.waitFor(300, TimeUnit.SECONDS);
        process.destroyForcibly();
        String log = Files.readString(dir.resolve("cli.log"), StandardCharsets.UTF_8);
        assertThat(done).as(log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        return log;
    }

    @Test
    void fiveMegabyteValuesStreamThroughA256MbHeap(PostgresDatabase db) throws Exception {
        Path lake = dir.resolve("lake");
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text)");
        run(db, lake); // the slot exists from here on: what follows is streamed
        for (int i = 1; i <= ROWS; i++) {
            // md5 chains are incompressible enough that PostgreSQL and Parquet hold them at full size
            db.execute("INSERT INTO big SELECT " + i + ", string_agg(md5(g::text || '" + i + "'), '')"
                    + " FROM generate_series(1, " + VALUE_CHARS / 32 + ") g");
        }

        String log = run(db, lake);

        assertThat(log).contains("caught up: " + ROWS + " events");
        assertThat(Lake.currentRows(lake, "public", "big", "id, length(v)", "id"))
                .hasSize(ROWS).allMatch(row -> row.get(1).equals(Integer.toString(VALUE_CHARS)));
    }

    @Test
    void fiveMegabyteValuesSnapshotThroughA256MbHeap(PostgresDatabase db) throws Exception {
        Path lake = dir.resolve("lake");
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text)");
        for (int i = 1; i <= ROWS; i++) {
            db.execute("INSERT INTO big SELECT " + i + ", string_agg(md5(g::text || '" + i + "'), '')"
                    + " FROM generate_series(1, " + VALUE_CHARS / 32 + ") g");
        }

        String log = run(db, lake);

        assertThat(log).contains("caught up: " + (ROWS + 1) + " events"); // the snapshot's truncate, then the rows
        assertThat(Lake.currentRows(lake, "public", "big", "id, length(v)", "id"))
                .hasSize(ROWS).allMatch(row -> row.get(1).equals(Integer.toString(VALUE_CHARS)));
    }
}

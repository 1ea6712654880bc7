package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke run of {@code scripts/quickstart}: the command the script ends with (a JVM on
 * {@code target/classes} and {@code target/classpath.txt}, both made by {@code package}), twice, the second resuming
 * from the first.
 */
class QuickstartIT {

    private static String run(Path dir, int seconds) throws IOException, InterruptedException {
        String classpath = "target/classes" + java.io.File.pathSeparator
                + Files.readString(Path.of("target/classpath.txt")).strip();
        Path log = dir.resolve("quickstart-" + seconds + ".log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Quickstart.class.getName(), "--lake", dir.resolve("lake").toString(),
                "--data", dir.resolve("data").toString(), "--seconds", Integer.toString(seconds)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the quickstart ended:\n" + output).isTrue();
        assertThat(process.exitValue()).as("the quickstart's exit code:\n" + output).isZero();
        return output;
    }

    @Test
    void runsFreshThenResumes(@TempDir Path dir) throws Exception {
        String first = run(dir, 3);
        assertThat(first).contains("created the shop", "Parquet files landed",
                "compared value by value with PostgreSQL: they match", "duckdb -c");

        String second = run(dir, 2);
        assertThat(second).contains("resuming the previous run's database",
                "compared value by value with PostgreSQL: they match").doesNotContain("created the shop");
    }
}

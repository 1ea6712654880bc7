package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OffsetStore;
import dev.sluice.offset.FileOffsetStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure class ends {@code sluice} with the exit code docs/cli.md lists, also through {@code main} in a
 * JVM of its own, where {@code System.exit} and signals run the shutdown hook.
 */
class ExitCodesIT {

    @TempDir
    Path dir;

    /** A PostgreSQL URL where nothing listens: every connection attempt fails, retriably. */
    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "jdbc:postgresql://127.0.0.1:" + socket.getLocalPort() + "/db";
        }
    }

    private List<String> replicate(String url, String user, String... more) {
        List<String> args = new ArrayList<>(List.of("replicate", "--source", "postgres", "--url", url,
                "--user", user, "--password", "x", "--out", dir.resolve("lake").toString(),
                "--pipeline", "exit-codes", "--commit-interval", "200ms"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aFatalErrorInAnUntilCaughtUpRunExits1NotZero() throws Exception {
        // a role that does not exist: authentication fails, which retrying cannot fix
        Child child = Child.start(replicate("jdbc:postgresql://127.0.0.1:5432/postgres", "sluice_no_such_role",
                "--until-caught-up"));

        assertThat(child.waitFor(60)).as(child.output()).isEqualTo(1);
        assertThat(child.output()).contains("sluice: cannot open").contains("Fix the user name or password");
    }

    @Test
    void retriesExhaustedInAnUntilCaughtUpRunExits3() throws Exception {
        Child child = Child.start(replicate(deadUrl(), "u", "--until-caught-up", "--max-retries", "1"));

        assertThat(child.waitFor(60)).as(child.output()).isEqualTo(3);
        assertThat(child.output()).contains("sluice: pipeline exit-codes gave up after 2 failures in a row");
    }

    @Test
    void aSignalBeforeAnUntilCaughtUpRunCaughtUpExits130() throws Exception {
        Child child = Child.start(replicate(deadUrl(), "u", "--until-caught-up", "--max-retries", "1000"));
        child.awaitOutput("retrying in");

        child.process.destroy(); // SIGTERM

        assertThat(child.waitFor(60)).as(child.output()).isEqualTo(130);
        assertThat(child.output()).contains("stopped before catching up");
    }

    @Test
    void aSignalStopsAContinuousRunGracefullyWithExit0() throws Exception {
        Child child = Child.start(replicate(deadUrl(), "u"));
        child.awaitOutput("retrying in");

        child.process.destroy(); // SIGTERM

        assertThat(child.waitFor(60)).as(child.output()).isZero();
        assertThat(child.output()).contains("pipeline closed");
    }

    @Test
    void aContinuousRunOutlastsAnOutageThatUsedToStopItThenAnInterruptExits130() throws Exception {
        AtomicReference<Run> result = new AtomicReference<>();
        List<String> args = replicate(deadUrl(), "u");
        Thread cli = new Thread(() -> result.set(Run.of(args.toArray(String[]::new))), "cli");
        cli.start();

        // the old default (3 retries, 1-2-4 s) gave up after about 7 s
        cli.join(TimeUnit.SECONDS.toMillis(12));
        assertThat(cli.isAlive()).as("still retrying after 12 s of outage").isTrue();

        cli.interrupt();
        cli.join(TimeUnit.SECONDS.toMillis(40));
        assertThat(cli.isAlive()).isFalse();
        assertThat(result.get().exit()).as(result.get().err()).isEqualTo(130);
        assertThat(result.get().out()).contains("retrying in 4000 ms (attempt 3)", "retrying in 8000 ms (attempt 4)");
    }

    @Test
    void anotherProcessRunningThePipelineExits4() throws Exception {
        Path offsets = dir.resolve("offsets");
        try (OffsetStore.Lease held = FileOffsetStore.in(offsets).acquire("exit-codes")) {
            Run run = Run.of(replicate(deadUrl(), "u", "--offsets", offsets.toString(), "--until-caught-up")
                    .toArray(String[]::new));

            assertThat(run.exit()).as(run.err()).isEqualTo(4);
            assertThat(run.error()).startsWith("sluice: pipeline exit-codes is already running (in this process)");
            assertThat(held).isNotNull();
        }
    }

    @Test
    void badRetryOptionsAreUsageErrors() {
        assertThat(Run.of(replicate("jdbc:postgresql://h/db", "u", "--max-retries", "-1").toArray(String[]::new))
                .exit()).isEqualTo(2);
        assertThat(Run.of(replicate("jdbc:postgresql://h/db", "u", "--retry-for", "0s").toArray(String[]::new))
                .error()).isEqualTo("sluice: max retry duration must be positive, was PT0S");
        assertThat(Run.of(replicate("jdbc:postgresql://h/db", "u", "--max-backoff", "100ms").toArray(String[]::new))
                .error()).isEqualTo("sluice: max backoff PT0.1S must not be shorter than the initial backoff PT1S");
    }

    /** {@code sluice} through its {@code main}, in a JVM of its own, output to a file. */
    private record Child(Process process, Path log) {

        static Child start(List<String> args) throws IOException {
            Path log = Files.createTempFile("sluice-cli", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), Sluice.class.getName()));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new Child(process, log);
        }

        int waitFor(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sluice did not exit within " + seconds + " s:\n" + output());
            }
            return process.exitValue();
        }

        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!output().contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    process.destroyForcibly();
                    throw new AssertionError("sluice never printed '" + text + "':\n" + output());
                }
                Thread.sleep(50);
            }
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }
}

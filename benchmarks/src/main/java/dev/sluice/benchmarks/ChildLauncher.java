package dev.sluice.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts {@link RunChild} in a fresh JVM with a fixed heap, and returns its {@code RESULT} line. Each system gets
 * only its own libraries: Debezium's fork of the binlog client and Sluice's zendesk one share a package, so the
 * Sluice child runs without Debezium and Kafka, and the Debezium child without the zendesk client.
 */
final class ChildLauncher {

    private final String heap;
    private final List<String> classpath;

    ChildLauncher(String heap) {
        this.heap = heap;
        String cp = System.getProperty("java.class.path");
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isEmpty()) {
            cp = surefire;
        }
        this.classpath = Arrays.asList(cp.split(File.pathSeparator));
    }

    /** The line of the warm-up run in a finished child's log ({@code COLD …}), or null if it had none. */
    static String coldLine(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("COLD ")).findFirst()
                .orElse(null);
    }

    String run(RunSpec spec, Path log) throws IOException, InterruptedException {
        return result(spec, log, start(spec, log));
    }

    /** Starts the child of a run; its output goes to {@code log}. */
    Process start(RunSpec spec, Path log) throws IOException {
        boolean debezium = spec.system().startsWith("debezium");
        String cp = classpath.stream()
                .filter(e -> debezium ? !e.contains("/com/zendesk/")
                        : !e.contains("/io/debezium/") && !e.contains("/org/apache/kafka/"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", cp, RunChild.class.getName()));
        String profile = System.getenv("SLUICE_BENCH_JFR");
        if (profile != null && !profile.isEmpty()) {
            command.add(1, "-XX:StartFlightRecording=filename=" + log.resolveSibling(log.getFileName() + ".jfr")
                    + ",settings=profile");
        }
        command.addAll(spec.toArgs());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(RunSpec.PASSWORD_VARIABLE, spec.server().password());
        return builder.start();
    }

    /** Waits for a started child and returns its {@code RESULT} line; throws if it failed. */
    String result(RunSpec spec, Path log, Process process) throws IOException, InterruptedException {
        if (!process.waitFor(60, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("the " + spec.system() + " run of " + spec.workload() + " did not end in 60 min;"
                    + " see " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.startsWith("RESULT ")) {
                return line;
            }
        }
        throw new IOException("the " + spec.system() + " run of " + spec.workload() + " on " + spec.database()
                + " failed (exit " + process.exitValue() + "); its output, " + log + ", ends with:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    }
}

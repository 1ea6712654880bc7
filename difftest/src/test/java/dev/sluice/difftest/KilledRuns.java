package dev.sluice.difftest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first catch-up of a {@link Variant.Crash#KILL} case: the case's pipeline runs in child JVMs
 * ({@link PipelineChild}, the test's class path) one after the other. Each but the last is killed with SIGKILL at
 * its point of the variant; each resumes from the offset the ones before it stored, and the last must catch up.
 * Child {@code n}'s output goes to {@code child-<n>.log} in the case's folder.
 *
 * <p>A child that neither reaches its kill point nor ends within {@link CasePipeline#CATCH_UP_LIMIT} (and time to
 * start) is killed and reported as hung; no child outlives a run (nor the test's JVM: see {@link PipelineChild}).
 */
final class KilledRuns {

    /** How long a child may take beyond the catch-up limit: a JVM starting on a loaded machine. */
    private static final Duration START_ALLOWANCE = Duration.ofSeconds(90);
    /** How long the servers may take to end a killed child's sessions (they notice the closed sockets at once). */
    private static final Duration RELEASE_LIMIT = Duration.ofSeconds(30);

    private final CasePipeline pipeline;
    private final List<Variant.Kill> kills;
    private final Environment env;
    private final long rows;
    private final List<String> story = new ArrayList<>();

    /** The runs of a case whose tables hold {@code rows} rows as it starts (kill points are shares of them). */
    KilledRuns(CasePipeline pipeline, Variant variant, Environment env, long rows) {
        this.pipeline = pipeline;
        this.kills = variant.kills();
        this.env = env;
        this.rows = rows;
    }

    /**
     * What happened: the rows and batch size, then each child, e.g. {@code child 1 killed after 14 events,
     * committed pg:snapshot=… (mid-snapshot)}.
     */
    List<String> story() {
        return story;
    }

    /** Runs the children; returns a failure description (naming the child's output file), or null. */
    String run() throws IOException, InterruptedException, SQLException {
        Path spec = pipeline.dir().resolve("pipeline.properties");
        pipeline.write(spec);
        story.add(rows + " rows, batches of " + pipeline.batchSize());
        for (int n = 1; ; n++) {
            Variant.Kill kill = n <= kills.size() ? kills.get(n - 1) : null;
            Path log = pipeline.dir().resolve("child-" + n + ".log");
            Process child = start(spec, log);
            try (Output output = new Output(log)) {
                long started = System.nanoTime();
                long deadline = started + CasePipeline.CATCH_UP_LIMIT.plus(START_ALLOWANCE).toNanos();
                while (child.isAlive() && System.nanoTime() < deadline && !reached(kill, output, started)) {
                    child.waitFor(5, TimeUnit.MILLISECONDS);
                    output.read();
                }
                if (child.isAlive() && System.nanoTime() < deadline) {
                    killAndReap(child);
                    output.read();
                    story.add("child " + n + " killed " + (output.events == 0 ? "before its first write"
                            : "after " + output.events + " events") + (output.result == null ? ""
                            : " (as it ended: " + output.result + ")") + (output.committed == null
                            ? ", nothing committed" : ", committed " + clip(output.committed)
                            + (midSnapshot(output.committed) ? " (mid-snapshot)" : "")));
                    if (output.result != null && !output.result.equals("caught-up")) {
                        // it had failed before the kill came: a failure, whatever the next child does
                        return "child " + n + " of the pipeline said '" + output.result + "' before it was killed;"
                                + " its output: " + log + ", ending:\n" + tail(log);
                    }
                    String held = awaitReleased();
                    if (held != null) {
                        return held + "; the killed child's output: " + log;
                    }
                    continue;
                }
                if (child.isAlive()) {
                    killAndReap(child);
                    story.add("child " + n + " hung");
                    return "child " + n + " of the pipeline neither " + (kill == null ? "" : "reached its kill point ("
                            + kill + ") nor ") + "caught up within " + CasePipeline.CATCH_UP_LIMIT.plus(
                            START_ALLOWANCE).toSeconds() + " s, and was killed; its output: " + log + ", ending:\n"
                            + tail(log);
                }
                output.read();
                if (child.exitValue() != 0) {
                    story.add("child " + n + " failed");
                    return "child " + n + " of the pipeline ended with exit code " + child.exitValue() + " ("
                            + (output.result == null ? "no result line" : output.result) + "); its output: " + log
                            + ", ending:\n" + tail(log);
                }
                story.add("child " + n + " caught up" + (kill == null ? "" : " before its kill point"));
                return null;
            } finally {
                if (child.isAlive()) {
                    killAndReap(child); // an exception above: no child is left behind
                }
                child.getOutputStream().close();
            }
        }
    }

    private Process start(Path spec, Path log) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a small heap, the client compiler and no GC threads: it starts faster, and the cases are small
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), PipelineChild.class.getName(),
                spec.toString());
        builder.environment().putAll(pipeline.secrets());
        // standard input stays a pipe from this JVM: the child halts when it ends
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Whether the child has come to its kill point (never, for the last child: null). */
    private boolean reached(Variant.Kill kill, Output output, long started) {
        if (kill == null) {
            return false;
        }
        return kill.afterEvents() ? output.events >= kill.events(rows)
                : System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(kill.at());
    }

    private static void killAndReap(Process child) throws InterruptedException {
        child.destroyForcibly(); // SIGKILL on Linux
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child JVM " + child.pid() + " did not end within 30 s of SIGKILL");
        }
    }

    /**
     * Waits until what a killed child held is free again, as an operator restarting it would: its sessions'
     * PostgreSQL advisory locks (the source's one-process fence, the JDBC sink's writer lock) and replication slot,
     * and the S3 sink's writer lease, which a killed writer cannot delete. MariaDB's named locks go with the
     * connection, which the server closes as soon as it reads the end of the killed child's socket. Returns a
     * failure description if something stays held, else null.
     */
    private String awaitReleased() throws SQLException, InterruptedException {
        if (pipeline.writerLease() != null) {
            Thread.sleep(pipeline.writerLease().plusMillis(500).toMillis());
        }
        CasePath path = pipeline.path();
        if (path.source() != Db.PG && !(path.sink() == CasePath.SinkKind.JDBC && path.target() == Db.PG)) {
            return null;
        }
        long deadline = System.nanoTime() + RELEASE_LIMIT.toNanos();
        try (Connection c = env.pg().adminConnect(); PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*)"
                + " FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE"
                + " datname = current_database())) + (SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?"
                + " AND active)")) {
            ps.setString(1, pipeline.name());
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return null;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return "PostgreSQL still held the killed child's advisory locks or its slot " + pipeline.name()
                            + " " + RELEASE_LIMIT.toSeconds() + " s after the kill";
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Whether a log capture's committed offset is one of a snapshot under way: a consistent snapshot's
     * ({@code pg:snapshot=}, {@code mysql:snapshot:}), an incremental one's progress ({@code chunk=}), or a table
     * being read again ({@code reread}). Only for the kills' summary (the offsets' text is the sources' own); trigger
     * and timestamp offsets do not show it.
     */
    static boolean midSnapshot(String offset) {
        return offset.contains("snapshot") || offset.contains("chunk=") || offset.contains("reread");
    }

    private static String clip(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** A child's output, read as it grows: its progress and result lines. */
    private static final class Output implements AutoCloseable {
        private final SeekableByteChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private final StringBuilder line = new StringBuilder();
        private long events;
        private String committed;
        private String result;

        Output(Path log) throws IOException {
            this.channel = Files.newByteChannel(log);
        }

        void read() throws IOException {
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    char c = (char) (buffer.get() & 0xff); // the lines read here are ASCII
                    if (c == '\n') {
                        parse(line.toString());
                        line.setLength(0);
                    } else if (line.length() < 4096) {
                        line.append(c);
                    }
                }
            }
        }

        private void parse(String text) {
            int at = text.indexOf(PipelineChild.LINE);
            if (at < 0) {
                return;
            }
            String said = text.substring(at + PipelineChild.LINE.length());
            if (said.startsWith("progress ")) {
                for (String field : said.substring("progress ".length()).split(" ")) {
                    if (field.startsWith("events=")) {
                        events = Long.parseLong(field.substring("events=".length()));
                    }
                }
            } else if (said.startsWith("committed ")) {
                committed = said.substring("committed ".length());
            } else if (said.startsWith("result ")) {
                result = said.substring("result ".length());
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

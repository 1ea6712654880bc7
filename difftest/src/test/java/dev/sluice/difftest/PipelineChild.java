package dev.sluice.difftest;

import dev.sluice.Offset;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The main class of a child JVM of a {@link Variant.Crash#KILL} case: builds the case's pipeline from
 * {@code pipeline.properties} ({@link CasePipeline#read}), runs it until caught up and exits: 0 when it caught up,
 * 1 when it did not or failed (the {@code difftest-child result} line says why). {@link KilledRuns} reads its
 * output, a line per batch the pipeline wrote ({@code difftest-child progress events=<n>}) and one per commit
 * ({@code difftest-child committed <offset>}), to kill it with SIGKILL at a point of the case's variant.
 *
 * <p>A child never outlives its parent: it halts when its standard input, a pipe from the parent, ends (the parent
 * is gone), and when it has run for {@link CasePipeline#CATCH_UP_LIMIT} and a minute more.
 */
final class PipelineChild {

    /** The prefix of the lines the parent reads. */
    static final String LINE = "difftest-child ";

    private PipelineChild() {}

    /**
     * Runs the case's pipeline until caught up.
     *
     * @param args the path of the case's {@code pipeline.properties}
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        watchdog("parent", () -> {
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing is sent: the pipe only says that the parent lives
            }
            return "its parent is gone (standard input ended)";
        });
        Duration limit = CasePipeline.CATCH_UP_LIMIT.plusMinutes(1);
        watchdog("deadline", () -> {
            Thread.sleep(limit.toMillis());
            return "it ran for " + limit.toSeconds() + " s";
        });
        CasePipeline spec = CasePipeline.read(Path.of(args[0]), System.getenv());
        Progress progress = new Progress();
        Pipeline pipeline = spec.pipeline(spec.source(), spec.sink(), progress);
        say("started pid=" + ProcessHandle.current().pid() + ", pipeline built "
                + ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM's start");
        String failure = CasePipeline.catchUp(pipeline);
        say("result " + (failure == null ? "caught-up" : "FAILED " + failure));
        System.exit(failure == null ? 0 : 1);
    }

    private static synchronized void say(String line) {
        System.out.println(LINE + line);
        System.out.flush();
    }

    /** A watch that halts the JVM (no shutdown hooks, like a kill) once {@code until} returns. */
    private static void watchdog(String name, Watch until) {
        Thread t = new Thread(() -> {
            String why;
            try {
                why = until.await();
            } catch (IOException e) {
                why = "its standard input failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            say("halt: " + why);
            Runtime.getRuntime().halt(3);
        }, "difftest-child-" + name);
        t.setDaemon(true);
        t.start();
    }

    @FunctionalInterface
    private interface Watch {
        String await() throws IOException, InterruptedException;
    }

    /** Says after each batch how many events this child has written, and after each commit its offset. */
    private static final class Progress implements PipelineListener {
        private long events;

        @Override
        public synchronized void onBatchWritten(String name, int batch, long estimatedBytes, Duration took) {
            events += batch;
            say("progress events=" + events);
        }

        @Override
        public void onCommit(String name, Offset offset, long committed, Duration took) {
            say("committed " + offset.encode());
        }
    }
}

package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Memory is bounded end to end, not only in the queue: 5 MB values through a pipeline in a JVM of 256 MB, with a
 * batch size and delay that, bounded by count alone, would gather a gigabyte before the first write.
 */
class PipelineHeapIT {

    private static final int EVENTS = 200;
    private static final int VALUE_BYTES = 5_000_000;

    @Test
    void fiveMegabyteValuesPassThroughA256MbHeap() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Child.class.getName())
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child finished in time").isTrue();
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            child.destroyForcibly();
        }

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("caught up: " + EVENTS + " events, keys 1.." + EVENTS + " in order");
    }

    /** The child process: a source of 5 MB values into a sink that checks and drops them. */
    public static final class Child {
        public static void main(String[] args) throws InterruptedException, IOException {
            MemorySource source = MemorySource.withEvents(EVENTS).payloadBytes(VALUE_BYTES).maxPerPoll(2)
                    .finishAtEnd();
            OrderCheckingSink sink = new OrderCheckingSink();
            CatchUpReport report = Pipeline.builder().name("heap").source(source).sink(sink)
                    .offsetStore(new InMemoryOffsetStore())
                    .batchSize(1024)
                    .batchDelay(Duration.ofSeconds(30))
                    .commitInterval(Duration.ofSeconds(30))
                    .maxRetries(0)
                    .build()
                    .runUntilCaughtUp();
            System.out.println("caught up: " + report.events() + " events, keys 1.." + sink.last.get()
                    + (sink.inOrder ? " in order" : " OUT OF ORDER"));
            System.exit(report.caughtUp() ? 0 : 1);
        }
    }

    /** Keeps nothing: only the last key, to check order and completeness. */
    static final class OrderCheckingSink implements Sink {
        final AtomicLong last = new AtomicLong();
        volatile boolean inOrder = true;

        @Override
        public void open(PipelineContext context) {}

        @Override
        public void write(List<ChangeEvent> events) {
            for (ChangeEvent event : events) {
                long key = (Long) event.after().get(0);
                if (key != last.get() + 1 || ((byte[]) event.after().get(1)).length != VALUE_BYTES) {
                    inOrder = false;
                }
                last.set(key);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}

package dev.sluice.examples.extending;

import dev.sluice.ChangeEvent;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.MemorySource;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A process that crashes in the middle of a commit: it runs a pipeline from a {@link MemorySource} into a
 * {@link JsonLinesSink}, committing after every batch, and halts the JVM (no shutdown hook, no close: as a kill
 * would) when the pipeline calls the n-th {@code commit}, after the sink has flushed that batch to disk but before
 * it committed it. Arguments: the sink's directory, the pipeline's name, the number of events, n.
 */
final class CrashingPipeline {

    /** The exit code of the halt. */
    static final int HALTED = 77;

    private CrashingPipeline() {}

    public static void main(String[] args) throws InterruptedException {
        Path directory = Path.of(args[0]);
        String name = args[1];
        long events = Long.parseLong(args[2]);
        int haltAt = Integer.parseInt(args[3]);
        Pipeline.builder()
                .name(name)
                .source(MemorySource.withEvents(events).maxPerPoll(25))
                .sink(new HaltAtCommit(JsonLinesSink.in(directory), haltAt))
                .batchSize(25)
                .build()
                .runUntilCaughtUp();
        System.exit(0); // it did not crash: the test sees exit code 0 and fails
    }

    /** The sink, asking for a commit after every write and halting at the n-th commit. */
    private static final class HaltAtCommit implements ExactlyOnceSink {
        private final JsonLinesSink sink;
        private final int haltAt;
        private int commits;

        HaltAtCommit(JsonLinesSink sink, int haltAt) {
            this.sink = sink;
            this.haltAt = haltAt;
        }

        @Override
        public void open(PipelineContext context) {
            sink.open(context);
        }

        @Override
        public void write(List<ChangeEvent> events) {
            sink.write(events);
        }

        @Override
        public boolean wantsFlush() {
            return true;
        }

        @Override
        public void flush() {
            sink.flush();
        }

        @Override
        public void commit(String pipelineName, String encodedOffset) {
            if (++commits == haltAt) {
                Runtime.getRuntime().halt(HALTED);
            }
            sink.commit(pipelineName, encodedOffset);
        }

        @Override
        public Optional<String> committedOffset(String pipelineName) {
            return sink.committedOffset(pipelineName);
        }

        @Override
        public void deleteOffset(String pipelineName) {
            sink.deleteOffset(pipelineName);
        }

        @Override
        public void close() {
            sink.close();
        }
    }
}

package dev.sluice.difftest;

import dev.sluice.ChangeEvent;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.FatalException;
import dev.sluice.PipelineContext;
import java.util.List;
import java.util.Optional;

/**
 * A sink that fails once, at the write that would pass a number of events, before handing that write on: what
 * was written since the last commit is lost with the failure, as in a crash. A {@link Variant.Crash#RECOVER}
 * failure is retriable (the pipeline reopens source and sink from its last committed offset); a
 * {@link Variant.Crash#RESTART} failure is fatal (the run ends, and the next one starts from the stored offset).
 */
final class CrashingSink implements ExactlyOnceSink {

    private final ExactlyOnceSink sink;
    private final Variant.Crash crash;
    private final int after;
    private long written;
    private boolean crashed;

    CrashingSink(ExactlyOnceSink sink, Variant.Crash crash, int after) {
        this.sink = sink;
        this.crash = crash;
        this.after = after;
    }

    boolean crashed() {
        return crashed;
    }

    @Override
    public void open(PipelineContext context) {
        sink.open(context);
    }

    @Override
    public void write(List<ChangeEvent> events) {
        if (!crashed && written + events.size() >= after) {
            crashed = true;
            String message = "difftest: a simulated crash after " + written + " events";
            throw crash == Variant.Crash.RESTART ? new FatalException(message) : new IllegalStateException(message);
        }
        written += events.size();
        sink.write(events);
    }

    @Override
    public void flush() {
        sink.flush();
    }

    @Override
    public boolean wantsFlush() {
        return sink.wantsFlush();
    }

    @Override
    public Optional<String> committedOffset(String pipelineName) {
        return sink.committedOffset(pipelineName);
    }

    @Override
    public void commit(String pipelineName, String encodedOffset) {
        sink.commit(pipelineName, encodedOffset);
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

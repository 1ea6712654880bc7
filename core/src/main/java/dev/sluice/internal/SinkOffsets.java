package dev.sluice.internal;

import dev.sluice.ExactlyOnceSink;
import dev.sluice.OffsetStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The offsets of a pipeline that keeps them in its {@link ExactlyOnceSink}, seen as the engine's offset store:
 * {@code save} is the sink's {@link ExactlyOnceSink#commit(String, String) commit}. Its type is what tells the
 * engine that the pipeline runs exactly once. The lease fences nothing: the sink fences a second writer itself
 * when it opens. Thread-safe as the sink's methods are.
 */
public final class SinkOffsets implements OffsetStore {

    private final ExactlyOnceSink sink;

    /**
     * The offsets committed with the data of this sink.
     *
     * @param sink the sink that keeps the offsets, not null
     */
    public SinkOffsets(ExactlyOnceSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public Optional<String> load(String pipelineName) {
        return sink.committedOffset(Objects.requireNonNull(pipelineName, "pipelineName"));
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        sink.commit(Objects.requireNonNull(pipelineName, "pipelineName"),
                Objects.requireNonNull(encodedOffset, "encodedOffset"));
    }

    @Override
    public void delete(String pipelineName) {
        sink.deleteOffset(Objects.requireNonNull(pipelineName, "pipelineName"));
    }

    @Override
    public String addSignal(String pipelineName, String text) {
        return sink.addSignal(Objects.requireNonNull(pipelineName, "pipelineName"), Objects.requireNonNull(text, "text"));
    }

    @Override
    public List<Signal> signals(String pipelineName) {
        return sink.signals(Objects.requireNonNull(pipelineName, "pipelineName"));
    }

    @Override
    public void removeSignal(String pipelineName, String id) {
        sink.removeSignal(Objects.requireNonNull(pipelineName, "pipelineName"), Objects.requireNonNull(id, "id"));
    }

    @Override
    public String toString() {
        return "the offsets committed with the data of " + sink;
    }
}

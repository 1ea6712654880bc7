package dev.sluice.sink.s3;

import dev.sluice.OffsetStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The offset store of a {@link ParquetSink}: offsets live in the commit records beside the data, and {@link #save}
 * is the commit of the files staged since the last one. {@link #load} reads the newest record and works before the
 * sink is opened; {@link #save} needs the sink open under the same pipeline name. Signals are objects
 * {@code _sluice/<pipeline>/signals/<id>.signal} beside the commit records, usable whether the sink is open or not.
 * Thread-safe (it locks the sink).
 */
final class SinkOffsetStore implements OffsetStore {

    private final ParquetSink sink;

    SinkOffsetStore(ParquetSink sink) {
        this.sink = sink;
    }

    @Override
    public Optional<String> load(String pipelineName) {
        return sink.loadOffset(Objects.requireNonNull(pipelineName, "pipelineName"));
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        sink.saveOffset(Objects.requireNonNull(pipelineName, "pipelineName"),
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
        return "commit records of " + sink;
    }
}

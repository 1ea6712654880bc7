package dev.sluice.sink.jdbc;

import dev.sluice.OffsetStore;
import dev.sluice.offset.JdbcOffsetStore;
import java.util.List;
import java.util.Optional;

/**
 * The JDBC sink's offset store: a {@link JdbcOffsetStore} in the target database whose {@code save} commits the
 * sink's open transaction, so that data and offset commit together. A pipeline that keeps its offsets here says so
 * when it opens the sink ({@link dev.sluice.PipelineContext#usesSinkOffsetStore()}), and the sink then leaves commits
 * to this store. Thread-safe.
 */
final class SinkOffsetStore implements OffsetStore {

    private final JdbcSink sink;
    private final JdbcOffsetStore store;

    SinkOffsetStore(JdbcSink sink, JdbcOffsetStore store) {
        this.sink = sink;
        this.store = store;
    }

    JdbcOffsetStore store() {
        return store;
    }

    @Override
    public Optional<String> load(String pipelineName) {
        return store.load(pipelineName); // creates the table if missing
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        if (!sink.commitWith(pipelineName, encodedOffset)) {
            sink.saveFenced(pipelineName, encodedOffset); // the sink is not open for this pipeline
        }
    }

    @Override
    public void delete(String pipelineName) {
        store.delete(pipelineName);
    }

    @Override
    public String addSignal(String pipelineName, String text) {
        return store.addSignal(pipelineName, text);
    }

    @Override
    public List<Signal> signals(String pipelineName) {
        return store.signals(pipelineName);
    }

    @Override
    public void removeSignal(String pipelineName, String id) {
        store.removeSignal(pipelineName, id);
    }

    @Override
    public String toString() {
        return "the JDBC sink's offsets in " + store.table() + " (committed with the data)";
    }
}

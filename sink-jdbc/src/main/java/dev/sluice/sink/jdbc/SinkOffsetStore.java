package dev.sluice.sink.jdbc;

import dev.sluice.OffsetStore;
import dev.sluice.offset.JdbcOffsetStore;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JDBC sink's offset store: a {@link JdbcOffsetStore} in the target database whose {@code save} commits the
 * sink's open transaction, so that data and offset commit together. A pipeline that loads its offset from here
 * (which the engine does before it opens the sink) makes the sink leave commits to this store. Thread-safe.
 */
final class SinkOffsetStore implements OffsetStore {

    private final JdbcSink sink;
    private final JdbcOffsetStore store;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();

    SinkOffsetStore(JdbcSink sink, JdbcOffsetStore store) {
        this.sink = sink;
        this.store = store;
    }

    JdbcOffsetStore store() {
        return store;
    }

    /** True if a pipeline of this name loaded its offset from this store, so will save it here. */
    boolean usedBy(String pipeline) {
        return loaded.contains(pipeline);
    }

    @Override
    public Optional<String> load(String pipelineName) {
        Optional<String> offset = store.load(pipelineName); // creates the table if missing
        loaded.add(pipelineName);
        return offset;
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        if (!sink.commitWith(pipelineName, encodedOffset)) {
            store.save(pipelineName, encodedOffset); // the sink is not open for this pipeline: a plain save
        }
    }

    @Override
    public void delete(String pipelineName) {
        store.delete(pipelineName);
    }

    @Override
    public String toString() {
        return "the JDBC sink's offsets in " + store.table() + " (committed with the data)";
    }
}

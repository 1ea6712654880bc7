package dev.sluice.offset;

import dev.sluice.OffsetStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps offsets in memory: nothing survives the process. For tests, and for pipelines that should start afresh
 * every time. Thread-safe.
 */
public final class InMemoryOffsetStore implements OffsetStore {

    private final ConcurrentHashMap<String, String> offsets = new ConcurrentHashMap<>();

    @Override
    public Optional<String> load(String pipelineName) {
        return Optional.ofNullable(offsets.get(Objects.requireNonNull(pipelineName, "pipelineName")));
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        offsets.put(Objects.requireNonNull(pipelineName, "pipelineName"),
                Objects.requireNonNull(encodedOffset, "encodedOffset"));
    }

    @Override
    public void delete(String pipelineName) {
        offsets.remove(Objects.requireNonNull(pipelineName, "pipelineName"));
    }

    @Override
    public String toString() {
        return "in-memory offset store";
    }
}

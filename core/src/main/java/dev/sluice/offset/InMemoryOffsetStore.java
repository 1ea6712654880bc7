package dev.sluice.offset;

import dev.sluice.OffsetStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps offsets in memory: nothing survives the process. For tests, and for pipelines that should start afresh
 * every time. Signals are kept too, as long as the store lives. Thread-safe.
 */
public final class InMemoryOffsetStore implements OffsetStore {

    private final ConcurrentHashMap<String, String> offsets = new ConcurrentHashMap<>();
    /** Per pipeline, its signals by id (ids sort by age). Guarded by itself. */
    private final Map<String, TreeMap<String, String>> signals = new ConcurrentHashMap<>();

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
    public String addSignal(String pipelineName, String text) {
        Objects.requireNonNull(text, "text");
        String id = Signal.newId(Clock.systemUTC());
        TreeMap<String, String> own = signals.computeIfAbsent(Objects.requireNonNull(pipelineName, "pipelineName"),
                name -> new TreeMap<>());
        synchronized (own) {
            own.put(id, text);
        }
        return id;
    }

    @Override
    public List<Signal> signals(String pipelineName) {
        TreeMap<String, String> own = signals.get(Objects.requireNonNull(pipelineName, "pipelineName"));
        if (own == null) {
            return List.of();
        }
        synchronized (own) {
            List<Signal> all = new ArrayList<>(own.size());
            own.forEach((id, text) -> all.add(new Signal(id, text)));
            return all;
        }
    }

    @Override
    public void removeSignal(String pipelineName, String id) {
        TreeMap<String, String> own = signals.get(Objects.requireNonNull(pipelineName, "pipelineName"));
        if (own != null) {
            synchronized (own) {
                own.remove(id);
            }
        }
    }

    @Override
    public String toString() {
        return "in-memory offset store";
    }
}

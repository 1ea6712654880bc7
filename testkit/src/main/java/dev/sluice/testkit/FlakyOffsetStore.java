package dev.sluice.testkit;

import dev.sluice.OffsetStore;
import dev.sluice.RetriableException;
import dev.sluice.offset.InMemoryOffsetStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory offset store whose saves can be made to fail, and which records every save. Thread-safe. */
public final class FlakyOffsetStore implements OffsetStore {

    private final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private final Set<Integer> saveFailures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger saves = new AtomicInteger();
    private final List<String> saved = new CopyOnWriteArrayList<>();

    /**
     * The n-th save (1-based) throws a {@link RetriableException} without saving.
     *
     * @param n the number of the save that fails
     * @return this store
     */
    public FlakyOffsetStore failSaveOnce(int n) {
        saveFailures.add(n);
        return this;
    }

    /** {@return every offset saved, in order} */
    public List<String> saved() {
        return List.copyOf(saved);
    }

    @Override
    public Optional<String> load(String pipelineName) {
        return store.load(pipelineName);
    }

    @Override
    public void save(String pipelineName, String encodedOffset) {
        int n = saves.incrementAndGet();
        if (saveFailures.remove(n)) {
            throw new RetriableException("injected failure of save " + n);
        }
        store.save(pipelineName, encodedOffset);
        saved.add(encodedOffset);
    }

    @Override
    public void delete(String pipelineName) {
        store.delete(pipelineName);
    }

    @Override
    public String toString() {
        return "flaky in-memory offset store";
    }
}

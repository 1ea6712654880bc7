package dev.sluice.testkit;

import dev.sluice.ChangeEvent;
import dev.sluice.PipelineContext;
import dev.sluice.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink that keeps events in memory and models durability: written events are pending until a flush makes
 * them durable; closing drops what is pending, as a crash would. Faults and slowness can be injected. Thread-safe.
 */
public final class MemorySink implements Sink {

    private final List<ChangeEvent> pending = new ArrayList<>();
    private final List<ChangeEvent> durable = new ArrayList<>();
    private final Set<Integer> writeFailures = ConcurrentHashMap.newKeySet();
    private final Set<Integer> flushFailures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger opens = new AtomicInteger();
    private volatile Duration writeDelay = Duration.ZERO;
    private volatile RuntimeException alwaysFail;
    private volatile RuntimeException flushFailure;
    private volatile boolean open;

    /**
     * The n-th write (1-based, counted across sessions) throws.
     *
     * @param n the number of the write that fails
     * @return this sink
     */
    public MemorySink failWriteOnce(int n) {
        writeFailures.add(n);
        return this;
    }

    /**
     * The n-th flush (1-based, counted across sessions) throws.
     *
     * @param n the number of the flush that fails
     * @return this sink
     */
    public MemorySink failFlushOnce(int n) {
        flushFailures.add(n);
        return this;
    }

    /**
     * Every write throws this from now on.
     *
     * @param failure what each {@code write} throws
     * @return this sink
     */
    public MemorySink failEveryWrite(RuntimeException failure) {
        this.alwaysFail = failure;
        return this;
    }

    /**
     * Every flush throws this from now on.
     *
     * @param failure what each {@code flush} throws
     * @return this sink
     */
    public MemorySink failEveryFlush(RuntimeException failure) {
        this.flushFailure = failure;
        return this;
    }

    /**
     * Each write takes at least this long.
     *
     * @param delay how long each {@code write} sleeps before it keeps the events
     * @return this sink
     */
    public MemorySink writeDelay(Duration delay) {
        this.writeDelay = delay;
        return this;
    }

    @Override
    public void open(PipelineContext context) {
        synchronized (this) {
            if (open) {
                throw new IllegalStateException("opened twice without a close");
            }
            open = true;
        }
        opens.incrementAndGet();
    }

    @Override
    public void write(List<ChangeEvent> events) {
        checkOpen();
        int n = writes.incrementAndGet();
        if (alwaysFail != null) {
            throw alwaysFail;
        }
        if (writeFailures.remove(n)) {
            throw new IllegalStateException("injected write failure on write " + n);
        }
        if (!writeDelay.isZero()) {
            try {
                Thread.sleep(writeDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        synchronized (this) {
            pending.addAll(events);
        }
    }

    @Override
    public void flush() {
        checkOpen();
        int n = flushes.incrementAndGet();
        if (flushFailure != null) {
            throw flushFailure;
        }
        if (flushFailures.remove(n)) {
            throw new IllegalStateException("injected flush failure on flush " + n);
        }
        synchronized (this) {
            durable.addAll(pending);
            pending.clear();
        }
    }

    @Override
    public synchronized void close() {
        pending.clear();
        open = false;
    }

    /** {@return every event made durable, in the order written, across sessions (redeliveries included)} */
    public synchronized List<ChangeEvent> durable() {
        return List.copyOf(durable);
    }

    /** {@return the sequence numbers of {@link #durable()}} */
    public synchronized List<Long> durableSeqs() {
        return durable.stream().map(e -> ((SeqOffset) e.offset()).seq()).toList();
    }

    /** {@return how many times the sink was opened} */
    public int opens() {
        return opens.get();
    }

    /** {@return how many writes it was asked for, failed ones included} */
    public int writes() {
        return writes.get();
    }

    private synchronized void checkOpen() {
        if (!open) {
            throw new IllegalStateException("sink used while closed");
        }
    }

    @Override
    public String toString() {
        return "memory sink";
    }
}

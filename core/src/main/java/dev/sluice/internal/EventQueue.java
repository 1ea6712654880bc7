package dev.sluice.internal;

import dev.sluice.ChangeEvent;
import dev.sluice.Offset;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between the capture thread (one producer) and the sink thread (one consumer), bounded both in items
 * and in estimated bytes. A full queue blocks the producer: that is the back-pressure on the source.
 *
 * <p>Items are {@link ChangeEvent}s, {@link Position} and {@link Accepted} marks, and the control items {@link End} and
 * {@link Failure}, which bypass the bounds so that the producer can always say it stopped. An event larger than
 * the byte bound on its own is admitted when the queue is empty, so it cannot block forever.
 */
final class EventQueue {

    /** The stream has read up to this offset, past the last event queued. */
    record Position(Offset offset, Instant observed) {}

    /** The stream took a backfill request; {@code offset}, its position just after, records it. */
    record Accepted(BackfillRequest request, Offset offset, Instant observed) {}

    /** The producer stopped: because it was asked to, or because the stream has nothing more to deliver. */
    record End(boolean finished) {}

    /** The producer failed; items before this one are valid. */
    record Failure(Throwable cause) {}

    static final int POSITION_SIZE = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final int maxItems;
    private final long maxBytes;
    private long bytes;
    private long peakBytes;
    private boolean putsAborted;

    EventQueue(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds an event or a position mark, waiting while the queue is full.
     *
     * @return false if puts were aborted (the session is ending): the item was not added
     */
    boolean put(Object item) throws InterruptedException {
        long size = sizeOf(item);
        lock.lockInterruptibly();
        try {
            while (!putsAborted && !items.isEmpty() && (items.size() >= maxItems || bytes + size > maxBytes)) {
                notFull.await();
            }
            if (putsAborted) {
                return false;
            }
            add(item, size);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a control item at once, whatever the bounds. */
    void putControl(Object item) {
        lock.lock();
        try {
            add(item, 0);
        } finally {
            lock.unlock();
        }
    }

    private void add(Object item, long size) {
        items.addLast(item);
        bytes += size;
        peakBytes = Math.max(peakBytes, bytes);
        if (items.size() == 1) {
            notEmpty.signal();
        }
    }

    /**
     * Moves up to {@code max} items and {@code maxBytes} estimated bytes into {@code out}, waiting up to
     * {@code timeoutNanos} for the first. The first item moves whatever its size, so a large event cannot stall.
     *
     * @return the number of items moved
     */
    int drainTo(List<Object> out, int max, long maxBytes, long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = timeoutNanos;
            while (items.isEmpty() && remaining > 0) {
                remaining = notEmpty.awaitNanos(remaining);
            }
            int moved = 0;
            long movedBytes = 0;
            while (moved < max && !items.isEmpty()) {
                long size = sizeOf(items.peekFirst());
                if (moved > 0 && movedBytes + size > maxBytes) {
                    break;
                }
                Object item = items.pollFirst();
                bytes -= size;
                movedBytes += size;
                out.add(item);
                moved++;
            }
            if (moved > 0) {
                notFull.signal();
            }
            return moved;
        } finally {
            lock.unlock();
        }
    }

    /** Makes every waiting and future {@link #put} return false. */
    void abortPuts() {
        lock.lock();
        try {
            putsAborted = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** The most estimated bytes the queue has held at once. */
    long peakBytes() {
        lock.lock();
        try {
            return peakBytes;
        } finally {
            lock.unlock();
        }
    }

    private static long sizeOf(Object item) {
        if (item instanceof ChangeEvent event) {
            return event.estimatedSize();
        }
        return item instanceof Position || item instanceof Accepted ? POSITION_SIZE : 0;
    }
}

package dev.sluice.internal;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of the capture thread: polls the stream and fills the queue until asked to stop, the stream finishes,
 * or something fails. It always ends by queueing an {@link EventQueue.End} or an {@link EventQueue.Failure}, so
 * the sink thread learns how the capture ended, in order, after every event before it.
 */
final class CaptureLoop implements Runnable {

    static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final ChangeStream stream;
    private final EventQueue queue;
    private final AtomicLong captured;
    private final Clock clock;
    private Offset lastQueued;
    private volatile boolean stopRequested;
    private volatile SnapshotStatus snapshot;

    CaptureLoop(ChangeStream stream, EventQueue queue, Offset from, AtomicLong captured, Clock clock) {
        this.clock = clock;
        this.stream = stream;
        this.queue = queue;
        this.captured = captured;
        this.lastQueued = from;
    }

    /** The snapshot the stream reads, as of its last poll, or null. */
    SnapshotStatus snapshot() {
        return snapshot;
    }

    /** The stream's health as last measured; any thread (see {@link ChangeStream#health()}). */
    SourceHealth health() {
        try {
            return stream.health();
        } catch (RuntimeException e) {
            return SourceHealth.unknown("the source's health() failed: " + e);
        }
    }

    /** Asks the loop to stop after the current poll; a put blocked on a full queue gives up at once. */
    void requestStop() {
        stopRequested = true;
        queue.abortPuts();
    }

    @Override
    public void run() {
        try {
            while (!stopRequested) {
                List<ChangeEvent> events = stream.poll(POLL_TIMEOUT);
                snapshot = stream.snapshotStatus();
                for (ChangeEvent event : events) {
                    if (!queue.put(event)) {
                        break;
                    }
                    lastQueued = event.offset();
                    captured.incrementAndGet();
                }
                if (stopRequested) {
                    break;
                }
                // the stream may have read past its last event (other tables, keepalives): commit that too,
                // so an idle captured table does not pin the source's log
                Offset position = stream.position();
                if (position != null && !position.equals(lastQueued) && queue.put(new EventQueue.Position(position, clock.instant()))) {
                    lastQueued = position;
                }
                if (stream.isFinished()) {
                    queue.putControl(new EventQueue.End(true));
                    return;
                }
            }
            queue.putControl(new EventQueue.End(false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.putControl(new EventQueue.End(false));
        } catch (Throwable t) {
            queue.putControl(new EventQueue.Failure(t));
        }
    }
}

package dev.sluice.internal;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of the capture thread: polls the stream and fills the queue until asked to stop, the stream finishes,
 * or something fails. It always ends by queueing an {@link EventQueue.End} or an {@link EventQueue.Failure}, so
 * the sink thread learns how the capture ended, in order, after every event before it.
 *
 * <p>Between polls it hands the stream the backfill requests waiting ({@link Backfills}): each one the stream takes
 * is queued as an {@link EventQueue.Accepted} mark with the stream's position just after it, so the sink thread
 * knows which commit records it.
 */
final class CaptureLoop implements Runnable {

    static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final ChangeStream stream;
    private final EventQueue queue;
    private final AtomicLong captured;
    private final Clock clock;
    private final Backfills backfills;
    /** Requests handed to the stream and not yet recorded in a committed offset, in order. */
    private final List<BackfillRequest> handed = new ArrayList<>();
    /** Requests the stream took before it had a position: marked with the first one it reports. */
    private final List<BackfillRequest> unmarked = new ArrayList<>();
    private Offset lastQueued;
    private volatile boolean stopRequested;
    private volatile SnapshotStatus snapshot;

    CaptureLoop(ChangeStream stream, EventQueue queue, Offset from, AtomicLong captured, Clock clock,
            Backfills backfills) {
        this.clock = clock;
        this.backfills = backfills;
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

    /** The request is recorded in a committed offset: no longer this session's to requeue. Sink thread. */
    void recorded(BackfillRequest request) {
        synchronized (handed) {
            handed.remove(request);
        }
    }

    /** The requests handed to the stream and not recorded; once the loop has stopped, for the next session. */
    List<BackfillRequest> notRecorded() {
        synchronized (handed) {
            return new ArrayList<>(handed);
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
                handBackfills();
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
                if (position != null && !unmarked.isEmpty()) {
                    if (!markAccepted(position)) {
                        break;
                    }
                } else if (position != null && !position.equals(lastQueued) && queue.put(new EventQueue.Position(position, clock.instant()))) {
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

    /**
     * Hands the waiting backfill requests to the stream. A refusal fails the request; any other failure of the
     * stream ends the loop as a poll's would, and the request is requeued for the next session.
     */
    private void handBackfills() throws InterruptedException {
        BackfillRequest request;
        while (!stopRequested && (request = backfills.take()) != null) {
            synchronized (handed) {
                handed.add(request);
            }
            try {
                stream.backfill(request.table(), request.condition());
            } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
                recorded(request);
                backfills.refused(request, e);
                continue;
            }
            unmarked.add(request);
            Offset at = stream.position();
            if (at != null && !markAccepted(at)) {
                return; // the session ends: the request is requeued
            }
            // without a position yet (nothing read so far), the first one the stream reports records it
        }
    }

    /** Queues the marks of the requests taken so far at {@code at}; false if the session ends. */
    private boolean markAccepted(Offset at) throws InterruptedException {
        while (!unmarked.isEmpty()) {
            if (!queue.put(new EventQueue.Accepted(unmarked.get(0), at, clock.instant()))) {
                return false;
            }
            unmarked.remove(0);
            lastQueued = at;
        }
        return true;
    }
}

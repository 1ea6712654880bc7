package dev.sluice.internal;

import dev.sluice.OffsetStore;
import dev.sluice.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill requests of one pipeline on their way to its stream, and the signals they came from.
 *
 * <p>A request waits in the inbox until the capture thread hands it to the stream ({@link #take()}); accepted, it
 * rides with the events to the sink thread, and once an offset after it is committed ({@link #durable}) its future
 * completes and its signal is removed from the offset store. A request whose session ends before that goes back to
 * the front of the inbox ({@link #requeue}), for the next session's stream: its offset was not committed, so the
 * reopened stream does not know it. A request the stream refuses fails: its future completes exceptionally, its
 * signal is removed with a warning that says why.
 *
 * <p>Threading: the inbox and the refusals are concurrent; {@link #pollSignals} and {@link #durable} run on the sink
 * thread, which alone uses the offset store's signals.
 */
final class Backfills {

    private static final Logger log = LoggerFactory.getLogger(Backfills.class);
    /** How often the offset store's signals are read. */
    static final Duration SIGNAL_INTERVAL = Duration.ofSeconds(5);

    private final String pipeline;
    private final String source;
    private final LinkedBlockingDeque<BackfillRequest> inbox = new LinkedBlockingDeque<>();
    /** Ids of the signals read and not done with yet: not turned into a request twice. */
    private final Set<String> signalsInFlight = ConcurrentHashMap.newKeySet();
    /** Signals to remove from the store at the next chance (the sink thread's): done with, or refused. */
    private final ConcurrentLinkedQueue<String> signalsToRemove = new ConcurrentLinkedQueue<>();
    private long nextPoll;
    private boolean pollFailing;

    Backfills(String pipeline, String source) {
        this.pipeline = pipeline;
        this.source = source;
        this.nextPoll = System.nanoTime();
    }

    /** Queues a request made in this process. */
    BackfillRequest request(TableId table, String condition) {
        SignalText.checkBackfill(table, condition);
        BackfillRequest request = new BackfillRequest(table, condition, null);
        inbox.addLast(request);
        return request;
    }

    /** The next request for the stream, or null; capture thread. */
    BackfillRequest take() {
        return inbox.pollFirst();
    }

    /**
     * The stream refused the request. For good (IllegalArgumentException, UnsupportedOperationException): its
     * future fails and its signal goes with a warning. For now (IllegalStateException): a request made here fails,
     * a signal is read again at a later poll.
     */
    void refused(BackfillRequest request, RuntimeException why) {
        RuntimeException cause = why instanceof UnsupportedOperationException
                ? new UnsupportedOperationException("pipeline " + pipeline + ": the source " + source + " cannot"
                        + " backfill (" + why.getMessage() + "). Backfills need PostgreSQL or MySQL/MariaDB log"
                        + " capture; with another source, re-snapshot instead (delete the pipeline's stored offset)",
                        why)
                : why;
        if (request.signalId() != null && why instanceof IllegalStateException) {
            log.info("pipeline {}: backfill {} cannot start yet ({}); the signal is read again later", pipeline,
                    request.describe(), why.getMessage());
            signalsInFlight.remove(request.signalId());
            return;
        }
        if (request.signalId() != null) {
            log.warn("pipeline {}: backfill {} refused, and its signal removed: {}", pipeline, request.describe(),
                    cause.getMessage());
            signalsToRemove.add(request.signalId());
        } else {
            log.warn("pipeline {}: backfill {} refused: {}", pipeline, request.describe(), cause.getMessage());
        }
        request.future().completeExceptionally(cause);
    }

    /** These requests are recorded in a committed offset: they survive any restart now. Sink thread. */
    void durable(Collection<BackfillRequest> requests, OffsetStore store) {
        for (BackfillRequest request : requests) {
            log.info("pipeline {}: backfill {} recorded", pipeline, request.describe());
            if (request.signalId() != null) {
                signalsToRemove.add(request.signalId());
            }
            request.future().complete(null);
        }
        removeSignals(store);
    }

    /** Requests a session handed to its stream and did not commit, back to the front of the inbox, in order. */
    void requeue(List<BackfillRequest> notDurable) {
        for (int i = notDurable.size() - 1; i >= 0; i--) {
            inbox.addFirst(notDurable.get(i));
        }
    }

    /**
     * Reads the store's signals if a poll is due: new backfill signals join the inbox; a signal this version cannot
     * read is removed with a warning that names it. A store that cannot be read is tried again at the next poll.
     * Sink thread.
     */
    void pollSignals(OffsetStore store, long nowNanos) {
        if (nowNanos - nextPoll < 0) {
            return;
        }
        nextPoll = nowNanos + SIGNAL_INTERVAL.toNanos();
        removeSignals(store);
        List<OffsetStore.Signal> signals;
        try {
            signals = store.signals(pipeline);
            pollFailing = false;
        } catch (RuntimeException e) {
            if (!pollFailing) {
                log.warn("pipeline {}: cannot read its signals from {}; trying again in {}: {}", pipeline, store,
                        SIGNAL_INTERVAL, e.toString());
            }
            pollFailing = true;
            return;
        }
        for (OffsetStore.Signal signal : signals) {
            if (!signalsInFlight.add(signal.id())) {
                continue;
            }
            SignalText.Backfill backfill;
            try {
                backfill = SignalText.parse(signal.text());
            } catch (IllegalArgumentException e) {
                log.warn("pipeline {}: signal {} in {} is not one it can act on, so it is removed: {}. Its text: {}",
                        pipeline, signal.id(), store, e.getMessage(), signal.text().strip().replace('\n', ' '));
                signalsToRemove.add(signal.id());
                continue;
            }
            BackfillRequest request = new BackfillRequest(backfill.table(), backfill.condition(), signal.id());
            log.info("pipeline {}: backfill {} asked for by a signal", pipeline, request.describe());
            inbox.addLast(request);
        }
        removeSignals(store);
    }

    private void removeSignals(OffsetStore store) {
        String id;
        while ((id = signalsToRemove.peek()) != null) {
            try {
                store.removeSignal(pipeline, id);
            } catch (RuntimeException e) {
                log.warn("pipeline {}: cannot remove signal {} from {} yet; trying again later: {}", pipeline, id,
                        store, e.toString());
                return; // still in flight: not acted on twice
            }
            signalsToRemove.poll();
            signalsInFlight.remove(id);
        }
    }

    /** The pipeline ended: requests made here and not recorded fail; signals stay for the next start. */
    void ended(Collection<BackfillRequest> notDurable) {
        List<BackfillRequest> left = new ArrayList<>(notDurable);
        BackfillRequest request;
        while ((request = inbox.pollFirst()) != null) {
            left.add(request);
        }
        for (BackfillRequest r : left) {
            r.future().completeExceptionally(new IllegalStateException("pipeline " + pipeline + " stopped before"
                    + " backfill " + r.describe() + " was recorded in a committed offset"
                    + (r.signalId() == null ? "; ask again once it runs" : "; its signal stays for the next start")));
        }
    }
}

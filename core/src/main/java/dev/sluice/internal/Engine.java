package dev.sluice.internal;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.LogContext;
import dev.sluice.Offset;
import dev.sluice.OffsetStore;
import dev.sluice.PipelineContext;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import dev.sluice.RetriesExhaustedException;
import dev.sluice.SluiceException;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a pipeline: a capture thread fills a bounded {@link EventQueue} from the source's stream; the sink thread
 * (this class's own) drains it into batches, writes them, and commits on an interval: flush the sink, save the
 * offset, tell the stream. Any failure closes stream and sink and reopens both from the stored offset after a
 * backoff; a {@link FatalException}, an {@link Error} or failures longer than the retry policy allows stop it.
 * The first opening takes the offset store's lease on the pipeline name, so a second process stops before it
 * touches the sink; the lease is held until the pipeline ends, and taken anew at a reopening if it was lost.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CAPTURE_JOIN = Duration.ofSeconds(2);
    /** The MDC key with the pipeline's name, on the pipeline's threads: {@link LogContext#PIPELINE}. */
    public static final String MDC_PIPELINE = LogContext.PIPELINE;
    /** The pipelines of this JVM that were started and have not ended, by name. */
    private static final ConcurrentMap<String, Engine> RUNNING = new ConcurrentHashMap<>();

    private final EngineConfig config;
    private final PipelineContext context;
    private final Object lock = new Object();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Counted down when source and sink were first opened, or the first opening failed, or the pipeline ended. */
    private final CountDownLatch firstOpening = new CountDownLatch(1);
    private volatile Throwable firstOpeningFailure;
    private volatile boolean opened;
    private final AtomicLong eventsCaptured = new AtomicLong();
    private final TableCounts tableCounts = new TableCounts();
    private final Backfills backfills;
    /** {@link TableCounts#committed()} as of the last commit, for {@link #status()} on other threads. */
    private volatile Map<TableId, Long> committedPerTable = Map.of();

    private volatile PipelineState state = PipelineState.NEW;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private volatile Thread sinkThread;
    private volatile Session session;
    /** The offset store's claim on the pipeline name: taken by the first session, released when the run ends. */
    private OffsetStore.Lease lease;

    private volatile long eventsWritten;
    private volatile long eventsCommitted;
    private volatile long commits;
    private volatile long recoveries;
    private volatile Offset lastCommitted;
    private volatile Instant lastCommitTime;
    private volatile Duration lag = Duration.ZERO;

    private boolean catchUp;
    private volatile Offset target;
    private volatile boolean caughtUp;
    private long startNanos;
    private long endNanos;

    /**
     * An engine for this configuration, not yet started; {@code Pipeline} owns it.
     *
     * @param config the checked configuration, not null
     */
    public Engine(EngineConfig config) {
        this.config = config;
        PipelineContext named = PipelineContext.of(config.name(), config.clock());
        this.context = config.offsetStore() instanceof SinkOffsets ? named.withExactlyOnce() : named;
        this.backfills = new Backfills(config.name(), String.valueOf(config.source()));
    }

    /**
     * Queues a backfill for the stream; see the Pipeline method.
     *
     * @param table the table to read again, not null
     * @param condition an SQL boolean expression, or null for every row
     * @return completes once an offset that records the request is committed
     * @throws IllegalStateException if the pipeline is closing or has ended
     */
    public CompletableFuture<Void> backfill(TableId table, String condition) {
        synchronized (lock) {
            if (state.isTerminal() || state == PipelineState.CLOSING || stopRequested) {
                throw new IllegalStateException("pipeline " + config.name() + " is " + state + ": it cannot backfill"
                        + " " + table + "; ask a running pipeline (or leave a signal with Pipeline.requestBackfill"
                        + " for its next start)");
            }
            return backfills.request(table, condition).future();
        }
    }

    /**
     * Starts the sink thread, which opens source and sink; returns at once.
     *
     */
    public void start() {
        PipelineState previous;
        Thread thread;
        synchronized (lock) {
            if (state != PipelineState.NEW) {
                throw new IllegalStateException("pipeline " + config.name() + " was already started (it is "
                        + state + "); build a new Pipeline to run again");
            }
            RUNNING.putIfAbsent(config.name(), this); // the first of a name wins; see checkAloneInThisJvm
            startNanos = System.nanoTime();
            previous = transition(PipelineState.STARTING);
            thread = new Thread(this::run, "sluice-" + config.name() + "-sink");
            thread.setDaemon(true);
            sinkThread = thread;
        }
        notifyState(previous, PipelineState.STARTING, null); // before the sink thread can report anything later
        thread.start();
    }

    /**
     * Starts, and waits until source and sink are open; see the Pipeline method.
     *
     * @param timeout how long to wait for the first opening, not null
     * @throws SluiceException the first failure to open them (the pipeline is closed), or a
     *     {@link RetriableException} if they did not open in time (the pipeline is closed too)
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     */
    public void startAndAwait(Duration timeout) throws InterruptedException {
        start();
        boolean settled;
        try {
            settled = firstOpening.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            close();
            throw e;
        }
        if (opened && !state.isTerminal()) {
            return;
        }
        Throwable cause = firstOpeningFailure != null ? firstOpeningFailure : failure;
        close();
        if (!settled) {
            throw new RetriableException("pipeline " + config.name() + " did not open its source and sink within "
                    + timeout + "; it was closed." + (cause == null ? "" : " The last failure: " + cause), cause);
        }
        if (cause instanceof SluiceException sluice) {
            throw sluice;
        }
        throw new RetriableException("pipeline " + config.name() + " could not open its source and sink: " + cause
                + "; it was closed", cause);
    }

    /**
     * Runs until the source position seen at the start is committed, then closes; see the Pipeline method.
     *
     * @return what the run did
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     */
    public CatchUpReport runUntilCaughtUp() throws InterruptedException {
        return runUntilCaughtUp(null);
    }

    /**
     * As {@link #runUntilCaughtUp()}, but closes gracefully once {@code limit} has passed (null: no limit); the
     * report then says it did not catch up.
     *
     * @param limit the longest the run may take, or null for no limit
     * @return what the run did
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     */
    public CatchUpReport runUntilCaughtUp(Duration limit) throws InterruptedException {
        synchronized (lock) {
            if (state != PipelineState.NEW) {
                throw new IllegalStateException("runUntilCaughtUp() needs a pipeline that was never started, but "
                        + config.name() + " is " + state + "; build a new Pipeline for each run");
            }
            catchUp = true;
        }
        start();
        try {
            if (limit == null) {
                terminated.await();
            } else if (!terminated.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                log.info("pipeline {}: not caught up within {}; closing", config.name(), limit);
                close();
            }
        } catch (InterruptedException e) {
            close();
            throw e;
        }
        if (state == PipelineState.FAILED) {
            throw (FatalException) failure;
        }
        return new CatchUpReport(caughtUp || state == PipelineState.COMPLETED, target, lastCommitted,
                eventsCommitted, tableCounts.committed(), Duration.ofNanos(endNanos - startNanos));
    }

    /** Asks the pipeline to flush, commit and stop, and waits for it up to the close timeout. Idempotent. */
    public void close() {
        boolean neverStarted;
        synchronized (lock) {
            neverStarted = state == PipelineState.NEW;
            if (neverStarted) {
                transition(PipelineState.CLOSED);
                terminated.countDown();
                firstOpening.countDown();
            } else {
                stopRequested = true;
                stopSignal.countDown();
            }
        }
        if (neverStarted) {
            notifyState(PipelineState.NEW, PipelineState.CLOSED, null);
            return;
        }
        if (Thread.currentThread() == sinkThread || isCaptureThread()) {
            return; // called from a listener: the pipeline stops once the listener returns
        }
        try {
            if (!terminated.await(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                log.error("pipeline {}: did not stop within its close timeout of {}; interrupting its threads."
                        + " It resumes from offset {} next time.", config.name(), config.closeTimeout(),
                        describe(lastCommitted));
                interruptThreads();
                terminated.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the pipeline to reach a terminal state; true if it did within the timeout.
     *
     * @param timeout the longest to wait, not null
     * @return true if the pipeline is terminal
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The pipeline's state and counters now; see the Pipeline method.
     *
     * @return an immutable status, never null
     */
    public PipelineStatus status() {
        Session current = session;
        EventQueue queue = current == null ? null : current.queue;
        CaptureLoop capture = current == null ? null : current.capture;
        return new PipelineStatus(config.name(), state, eventsCaptured.get(), eventsWritten, eventsCommitted, commits,
                recoveries, queue == null ? 0 : queue.size(), queue == null ? 0 : queue.bytes(), lastCommitted,
                lastCommitTime, lag, committedPerTable, failure, capture == null ? null : capture.snapshot(),
                capture == null ? null : capture.health());
    }

    private void run() {
        MDC.put(MDC_PIPELINE, config.name()); // every log line of this thread, the sink's and the source's, says whose
        int failures = 0;
        Instant failingSince = null;
        PipelineState end = PipelineState.CLOSED;
        Throwable endCause = null;
        try {
            while (!stopRequested) {
                Session attempt = new Session();
                session = attempt;
                try {
                    if (attempt.run()) {
                        end = PipelineState.COMPLETED;
                    }
                    break;
                } catch (Throwable t) {
                    if (stopRequested && !(t instanceof FatalException || t instanceof Error)) {
                        log.warn("pipeline {}: failed while closing; it resumes from offset {} next time",
                                config.name(), describe(lastCommitted), t);
                        break;
                    }
                    if (stopRequested) {
                        // a fatal error found by the final commit is not a graceful close: the next start would
                        // fail the same way, so say so now rather than report a clean stop
                        endCause = fatal(t, 1, Duration.ZERO);
                        end = PipelineState.FAILED;
                        break;
                    }
                    Instant now = config.clock().instant();
                    if (attempt.committed || failingSince == null) {
                        failures = 0;
                        failingSince = now;
                    }
                    failures++;
                    if (!opened && firstOpeningFailure == null) {
                        firstOpeningFailure = t;
                        firstOpening.countDown();
                    }
                    endCause = opened ? fatal(t, failures, Duration.between(failingSince, now))
                            : fatalBeforeOpening(t, failures, Duration.ofNanos(System.nanoTime() - startNanos));
                    if (endCause != null) {
                        end = PipelineState.FAILED;
                        break;
                    }
                    recover(t, failures);
                    if (stopSignal.await(config.retryPolicy().backoff(failures).toNanos(), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    setState(opened ? PipelineState.RUNNING : PipelineState.STARTING, null);
                }
            }
        } catch (InterruptedException e) {
            log.warn("pipeline {}: interrupted while waiting to recover", config.name());
        } finally {
            endNanos = System.nanoTime();
            releaseLease();
            finish(end, endCause);
        }
    }

    /** Takes the offset store's lease, unless this run holds it still. Sink thread only. */
    private void holdLease() {
        if (lease != null && !lease.isHeld()) {
            log.warn("pipeline {}: its lease on the offset store {} was lost; taking it again", config.name(),
                    config.offsetStore());
            releaseLease();
        }
        if (lease == null) {
            lease = config.offsetStore().acquire(config.name());
        }
    }

    /**
     * Refuses to open a pipeline while another of its name runs in this JVM: they would share a stored offset, a
     * replication slot, a server id or a change table. Checked after the offset store's lease, so that a store
     * that fences (and can name who holds the pipeline, in any process) answers first; this catches pipelines of
     * one name on different stores.
     */
    private void checkAloneInThisJvm() {
        Engine other = RUNNING.putIfAbsent(config.name(), this);
        if (other != null && other != this && !other.state.isTerminal()) {
            throw new PipelineAlreadyRunningException("pipeline " + config.name() + " is already running in this"
                    + " JVM (it is " + other.state + ", with offset store " + other.config.offsetStore() + "): two"
                    + " pipelines of one name would share a stored offset, a replication slot, a server id or a"
                    + " change table. Fix: close the other first, or give this one its own name.");
        }
    }

    private void releaseLease() {
        if (lease == null) {
            return;
        }
        try {
            lease.close();
        } catch (RuntimeException e) {
            log.warn("pipeline {}: releasing its lease on the offset store failed; ignored", config.name(), e);
        }
        lease = null;
    }

    /** As {@link #fatal}, and a first opening that keeps failing past the start timeout is fatal too. */
    private FatalException fatalBeforeOpening(Throwable t, int failures, Duration sinceStart) {
        FatalException fatal = fatal(t, failures, sinceStart);
        if (fatal != null || sinceStart.compareTo(config.startTimeout()) < 0) {
            return fatal;
        }
        return new RetriesExhaustedException("pipeline " + config.name() + " could not open its source and sink in "
                + sinceStart.toSeconds() + " s since it started (" + failures + " attempts; start timeout "
                + config.startTimeout() + "); the last failure: " + t + ". Fix the cause (is the server up and"
                + " reachable, are the credentials right?) and start it again, or allow longer with"
                + " Pipeline.Builder.startTimeout(…).", t);
    }

    private FatalException fatal(Throwable t, int failures, Duration failingFor) {
        if (t instanceof FatalException fatal) {
            return fatal;
        }
        if (t instanceof Error) {
            return new FatalException("pipeline " + config.name() + " stopped on an unexpected error: " + t, t);
        }
        String exhausted = config.retryPolicy().exhausted(failures, failingFor);
        if (exhausted != null) {
            return new RetriesExhaustedException("pipeline " + config.name() + " " + exhausted + "; the last one: "
                    + t + ". Fix the cause (or allow longer outages in the retry policy) and start the pipeline"
                    + " again; it resumes from offset " + describe(lastCommitted) + ".", t);
        }
        return null;
    }

    private void recover(Throwable t, int attempt) {
        Duration delay = config.retryPolicy().backoff(attempt);
        recoveries++;
        failure = t;
        setState(PipelineState.RECOVERING, t);
        // one line per attempt; the stack trace only at debug level
        log.warn("pipeline {}: {}; {} source and sink from offset {} in {} (attempt {})", config.name(), t,
                opened ? "reopening" : "opening", describe(lastCommitted), delay, attempt);
        log.debug("pipeline {}: the failure of attempt {}", config.name(), attempt, t);
        notifyListeners(l -> l.onRecovery(config.name(), t, attempt, delay));
    }

    private void finish(PipelineState end, Throwable cause) {
        PipelineState previous;
        synchronized (lock) {
            failure = cause;
            previous = transition(end);
            session = null;
            RUNNING.remove(config.name(), this);
        }
        backfills.ended(List.of());
        notifyState(previous, end, cause);
        firstOpening.countDown();
        if (cause != null) {
            // the message says what to do; the stack trace is for debugging (and in status().failure())
            log.error("pipeline {}: failed: {}", config.name(), cause.getMessage());
            log.debug("pipeline {}: the failure", config.name(), cause);
        } else {
            log.info("pipeline {}: {} after committing {} events; offset {}", config.name(),
                    end.name().toLowerCase(Locale.ROOT), eventsCommitted, describe(lastCommitted));
        }
        terminated.countDown();
    }

    /** Moves to {@code next} and tells the listeners; not to be called while holding {@code lock}. */
    private void setState(PipelineState next, Throwable cause) {
        notifyState(transition(next), next, cause);
    }

    /** Moves to {@code next}; returns the state before, or null if nothing changed (same state, or terminal). */
    private PipelineState transition(PipelineState next) {
        PipelineState previous = state;
        if (previous == next || previous.isTerminal()) {
            return null;
        }
        state = next;
        return previous;
    }

    private void notifyState(PipelineState previous, PipelineState next, Throwable cause) {
        if (previous != null) {
            notifyListeners(l -> l.onStateChange(config.name(), previous, next, cause));
        }
    }

    /** Calls every listener; what one throws is logged and ignored (only a VirtualMachineError goes through). */
    private void notifyListeners(Consumer<PipelineListener> call) {
        for (PipelineListener listener : config.listeners()) {
            try {
                call.accept(listener);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                log.warn("pipeline {}: listener {} threw; ignored", config.name(), listener, e);
            }
        }
    }

    private boolean isCaptureThread() {
        Session current = session;
        return current != null && Thread.currentThread() == current.captureThread;
    }

    private void interruptThreads() {
        Thread sink = sinkThread;
        if (sink != null) {
            sink.interrupt();
        }
        Session current = session;
        if (current != null && current.captureThread != null) {
            current.captureThread.interrupt();
        }
    }

    private static String describe(Offset offset) {
        return offset == null ? "(none: the start)" : offset.encode();
    }

    /** One opening of source and sink, from the stored offset, until a stop, the stream's end, or a failure. */
    private final class Session {
        private final List<ChangeEvent> batch = new ArrayList<>(config.batchSize());
        private ChangeStream stream;
        private boolean sinkOpen;
        private volatile EventQueue queue;
        private volatile CaptureLoop capture;
        private Thread captureThread;

        private Offset position;
        private boolean dirty;
        private boolean flushWanted;
        private boolean committed;
        /** Backfill requests the stream took whose marks were drained: recorded by the next commit. */
        private final List<BackfillRequest> accepted = new ArrayList<>();
        private long pendingEvents;
        private long batchBytes;
        /** The newest the pending commit knows the source to be: the last event's commit time, or a later mark. */
        private Instant freshness;

        /** Returns true if the stream finished, false if the session stopped on request. */
        boolean run() throws Exception {
            try {
                // before the sink is opened: a second process of this pipeline must stop before it touches it
                holdLease();
                checkAloneInThisJvm();
                Offset from = loadOffset();
                lastCommitted = from;
                position = from;
                sinkOpen = true; // close it even if open fails half-way: close must cope with that
                config.sink().open(context);
                stream = config.source().open(from, context);
                setState(PipelineState.RUNNING, null);
                if (!opened) {
                    opened = true;
                    firstOpening.countDown();
                }
                log.info("pipeline {}: capturing from {} into {}, from offset {}", config.name(), config.source(),
                        config.sink(), describe(from));
                if (catchUp && reachedTarget(from)) {
                    return false;
                }
                queue = new EventQueue(config.maxQueueEvents(), config.maxQueueBytes());
                capture = new CaptureLoop(stream, queue, from, eventsCaptured, config.clock(), backfills);
                captureThread = new Thread(() -> {
                    MDC.put(MDC_PIPELINE, config.name());
                    capture.run();
                }, "sluice-" + config.name() + "-capture");
                captureThread.setDaemon(true);
                captureThread.start();
                return pump();
            } finally {
                cleanUp();
            }
        }

        private Offset loadOffset() {
            Optional<String> stored = config.offsetStore().load(config.name());
            if (stored.isEmpty()) {
                return null;
            }
            try {
                return config.source().decodeOffset(stored.get());
            } catch (IllegalArgumentException e) {
                String text = stored.get();
                throw new FatalException("pipeline " + config.name() + ": the offset store " + config.offsetStore()
                        + " holds '" + (text.length() > 200 ? text.substring(0, 200) + "…" : text)
                        + "', which the source " + config.source() + " cannot read: " + e.getMessage()
                        + ". It was written by another kind of source or is damaged. Fix: give this pipeline its"
                        + " own name or offset store, or delete the stored offset to start over with a new snapshot.",
                        e);
            }
        }

        /** In a catch-up run: learns the target at the first opening, and says whether {@code offset} covers it. */
        private boolean reachedTarget(Offset offset) {
            if (target == null && !caughtUp) {
                target = stream.head();
                log.info("pipeline {}: catching up to {}", config.name(), describe(target));
            }
            if (target == null || offset != null && offset.covers(target)) {
                caughtUp = true;
                stopRequested = true;
                log.info("pipeline {}: caught up with {}", config.name(), describe(target));
            }
            return caughtUp;
        }

        private boolean pump() throws Exception {
            List<Object> drained = new ArrayList<>(config.batchSize());
            long commitInterval = config.commitInterval().toNanos();
            long batchDelay = config.batchDelay().toNanos();
            long nextCommit = System.nanoTime() + commitInterval;
            long batchStarted = 0;
            long drainDeadline = Long.MAX_VALUE;
            boolean stopping = false;
            while (true) {
                long now = System.nanoTime();
                if (stopRequested && !stopping) {
                    stopping = true;
                    setState(PipelineState.CLOSING, null);
                    capture.requestStop();
                    drainDeadline = now + config.closeTimeout().toNanos() / 2;
                }
                long wait = MAX_WAIT_NANOS;
                if (!batch.isEmpty()) {
                    wait = Math.min(wait, batchStarted + batchDelay - now);
                }
                if (dirty) {
                    wait = Math.min(wait, nextCommit - now);
                }
                drained.clear();
                queue.drainTo(drained, Math.max(1, config.batchSize() - batch.size()),
                        Math.max(1, config.maxBatchBytes() - batchBytes), Math.max(0, wait));
                Object end = null;
                for (Object item : drained) {
                    if (item instanceof ChangeEvent event) {
                        if (batch.isEmpty()) {
                            batchStarted = now;
                        }
                        batch.add(event);
                        batchBytes += event.estimatedSize();
                        position = event.offset();
                        dirty = true;
                    } else if (item instanceof EventQueue.Position mark) {
                        position = mark.offset();
                        // the source had nothing newer when it reported this position
                        freshness = later(freshness, mark.observed());
                        dirty = true;
                    } else if (item instanceof EventQueue.Accepted mark) {
                        position = mark.offset();
                        freshness = later(freshness, mark.observed());
                        accepted.add(mark.request());
                        dirty = true;
                    } else {
                        end = item; // End or Failure: the capture thread queues nothing after it
                    }
                }
                now = System.nanoTime();
                if (!stopping) {
                    backfills.pollSignals(config.offsetStore(), now);
                }
                boolean draining = end != null || stopping && now >= drainDeadline;
                if (batch.size() >= config.batchSize() || batchBytes >= config.maxBatchBytes()
                        || !batch.isEmpty() && (now - batchStarted >= batchDelay || stopping || draining)) {
                    write();
                }
                if (end instanceof EventQueue.Failure captureFailure) {
                    throw commitBefore(captureFailure.cause());
                }
                // a catch-up run commits as soon as it has what it came for, not at the next interval
                boolean atTarget = catchUp && !caughtUp && target != null && position != null
                        && position.covers(target);
                // a catch-up run that reached its target and stops commits nothing that does not cover it: what
                // the stream returned after the target may be a whole no commit may split (a table read again,
                // whose TRUNCATE went first), and is captured again by the next run
                boolean beyondTarget = catchUp && caughtUp && target != null && position != null
                        && !position.covers(target);
                if (dirty && (now >= nextCommit || flushWanted || draining || atTarget) && !beyondTarget) {
                    commit();
                    nextCommit = System.nanoTime() + commitInterval;
                }
                if (end instanceof EventQueue.End ended) {
                    return ended.finished();
                }
                if (draining) {
                    log.warn("pipeline {}: the capture thread did not stop within half the close timeout;"
                            + " events still queued are captured again next time", config.name());
                    return false;
                }
            }
        }

        /** The events before a capture failure are good: commit them, so that repeated failures still progress. */
        private Exception commitBefore(Throwable cause) {
            try {
                commit();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
            if (cause instanceof Error error) {
                throw error;
            }
            return (Exception) cause;
        }

        private void write() {
            long started = System.nanoTime();
            int count = batch.size();
            config.sink().write(batch);
            long bytes = 0;
            for (ChangeEvent event : batch) {
                tableCounts.written(event.table());
                bytes += event.estimatedSize();
            }
            freshness = later(freshness, batch.get(count - 1).commitTime());
            batch.clear();
            batchBytes = 0;
            eventsWritten += count;
            pendingEvents += count;
            flushWanted = config.sink().wantsFlush();
            long written = bytes;
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            notifyListeners(l -> l.onBatchWritten(config.name(), count, written, took));
        }

        private void commit() {
            if (!batch.isEmpty()) {
                write();
            }
            if (!dirty || position == null) {
                return;
            }
            long started = System.nanoTime();
            Offset offset = position;
            config.sink().flush();
            config.offsetStore().save(config.name(), offset.encode());
            dirty = false;
            flushWanted = false;
            committed = true;
            failure = null; // progress: whatever it recovered from is over
            Instant now = config.clock().instant();
            lastCommitted = offset;
            lastCommitTime = now;
            if (freshness != null) {
                // how old the newest thing committed is: an event's source commit time, or when the source last
                // said it had nothing newer; so an idle source shows the commit's own delay, not a drop to zero
                Duration age = Duration.between(freshness, now);
                lag = age.isNegative() ? Duration.ZERO : age;
            }
            long events = pendingEvents;
            pendingEvents = 0;
            tableCounts.commit();
            committedPerTable = tableCounts.committed(); // before the total, so a status never shows fewer
            eventsCommitted += events;
            commits++;
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.debug("pipeline {}: committed {} events up to {} in {}", config.name(), events, offset.encode(), took);
            notifyListeners(l -> l.onCommit(config.name(), offset, events, took));
            SnapshotStatus snapshot = capture == null ? null : capture.snapshot();
            if (snapshot != null) {
                notifyListeners(l -> l.onSnapshotProgress(config.name(), snapshot));
            }
            if (!accepted.isEmpty()) {
                accepted.forEach(capture::recorded);
                backfills.durable(accepted, config.offsetStore());
                accepted.clear();
            }
            stream.committed(offset);
            if (catchUp && !caughtUp) {
                reachedTarget(offset);
            }
        }

        private static Instant later(Instant a, Instant b) {
            return a == null || b != null && b.isAfter(a) ? b : a;
        }

        private void cleanUp() {
            if (capture != null) {
                capture.requestStop();
                join(captureThread, CAPTURE_JOIN);
                backfills.requeue(capture.notRecorded()); // their offsets were not committed: the next stream asks
            }
            if (stream != null) {
                closeQuietly("source stream", stream::close);
            }
            if (sinkOpen) {
                closeQuietly("sink", config.sink()::close);
            }

            if (captureThread != null && captureThread.isAlive()) {
                captureThread.interrupt();
                join(captureThread, Duration.ofSeconds(1));
                if (captureThread.isAlive()) {
                    log.warn("pipeline {}: the capture thread is still blocked in the source after closing it",
                            config.name());
                }
            }
            tableCounts.discardPending();
            queue = null; // what it still holds is abandoned: status() should not count it
        }

        private void join(Thread thread, Duration timeout) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void closeQuietly(String what, Runnable close) {
            try {
                close.run();
            } catch (RuntimeException e) {
                log.warn("pipeline {}: closing the {} failed; ignored", config.name(), what, e);
            }
        }
    }
}

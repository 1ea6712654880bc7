package dev.sluice;

import dev.sluice.internal.Engine;
import dev.sluice.internal.EngineConfig;
import dev.sluice.internal.SignalText;
import dev.sluice.internal.SinkOffsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * Captures changes from a {@link Source} and writes them to a {@link Sink}, keeping its position in an
 * {@link OffsetStore}, inside the application's own process.
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.builder()
 *         .name("shop-to-lake")
 *         .source(source)                       // e.g. PostgresSource.builder()…build()
 *         .sink(sink)                           // e.g. ParquetSink.builder()…build()
 *         .offsetStore(FileOffsetStore.in(Path.of("offsets")))
 *         .commitInterval(Duration.ofSeconds(5))
 *         .build();
 * pipeline.start();
 * // … later, at shutdown:
 * pipeline.close();                             // flushes, commits, stops
 * }</pre>
 *
 * <h2>How it runs</h2>
 * A capture thread ({@code sluice-<name>-capture}) polls the source into a queue bounded both in events and in
 * estimated bytes; a full queue holds the source back. A sink thread ({@code sluice-<name>-sink}) drains it into
 * batches (by count, by estimated bytes and by delay) and, every commit interval, runs the commit cycle: flush the sink, save the
 * offset, tell the source. Both are daemon threads: call {@link #close()} for a graceful stop.
 *
 * <h2>Guarantees</h2>
 * Events reach the sink in source order. An offset is saved only after everything before it is durable in the
 * sink, so a crash at any moment loses nothing: the next start resumes after the last saved offset. Events
 * written after that offset are delivered again (at least once), unless the sink is an {@link ExactlyOnceSink} and
 * the pipeline has no offset store of its own: the offset is then committed with the data, exactly once.
 *
 * <p>One writer: before it first opens the sink, the pipeline takes its offset store's
 * {@linkplain OffsetStore#acquire(String) lease} on its name and holds it until it ends; a second pipeline of the
 * same name on the same store (in another process, or in this one) fails at once with a
 * {@link PipelineAlreadyRunningException} without opening its sink or source. Whether a store fences is its own
 * (see each store).
 *
 * <h2>Failures</h2>
 * Any failure closes source and sink and reopens both from the last saved offset, after a backoff that doubles
 * up to a maximum ({@link Builder#retryPolicy(RetryPolicy)}; by default it retries without limit). A
 * {@link FatalException} (bad configuration, a purged log position, a damaged offset, another process running the
 * same pipeline) or an {@link Error} stops the pipeline at once in state {@link PipelineState#FAILED}, with the cause
 * in {@link #status()}; so does a run of failures longer than the retry policy allows, with a
 * {@link RetriesExhaustedException}.
 *
 * <p>All methods are thread-safe.
 */
public final class Pipeline implements AutoCloseable {

    private final String name;
    private final Engine engine;

    private Pipeline(String name, Engine engine) {
        this.name = name;
        this.engine = engine;
    }

    /**
     * A builder for a pipeline.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The pipeline's name.
     *
     * @return the name given to {@link Builder#name(String)}
     */
    public String name() {
        return name;
    }

    /**
     * Starts capturing in the background and returns at once, in state {@link PipelineState#STARTING} until source
     * and sink are open. Failures, including those of opening the source, show in {@link #status()};
     * {@link #awaitTermination(Duration)} waits for the end.
     *
     * @throws IllegalStateException if the pipeline was started or closed before
     */
    public void start() {
        engine.start();
    }

    /**
     * Starts, and returns once source and sink are open (state {@link PipelineState#RUNNING}); for a service that
     * should not report itself up before its pipeline is. Fails fast: the first failure to open them is thrown
     * here, after the pipeline is closed, instead of being retried in the background.
     *
     * @param timeout how long to wait for the first opening
     * @throws FatalException a failure that retrying cannot fix (configuration, privileges, another process
     *     running this pipeline)
     * @throws RetriableException a failure that might pass (the server is down), or no opening within the timeout
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     * @throws IllegalStateException if the pipeline was started or closed before
     */
    public void startAndAwait(Duration timeout) throws InterruptedException {
        engine.startAndAwait(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * A "sync now" run: starts the pipeline, captures until the source position observed at the start (its
     * {@link ChangeStream#head() head}) is committed, then closes gracefully and reports what it did. Changes
     * made after the start may be included too.
     *
     * @return the report; {@link CatchUpReport#caughtUp()} is false if {@link #close()} stopped it first
     * @throws FatalException if the pipeline failed
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     * @throws IllegalStateException if the pipeline was started or closed before
     */
    public CatchUpReport runUntilCaughtUp() throws InterruptedException {
        return engine.runUntilCaughtUp();
    }

    /**
     * As {@link #runUntilCaughtUp()}, within a time limit: once {@code limit} has passed, the pipeline closes
     * gracefully (what it captured is committed) and the report says it did not catch up; the next run goes on
     * from there.
     *
     * @param limit the longest the run may take, positive, not null
     * @return the report; {@link CatchUpReport#caughtUp()} is false if the limit or {@link #close()} stopped it first
     * @throws FatalException if the pipeline failed
     * @throws InterruptedException if the calling thread was interrupted; the pipeline is closed first
     * @throws IllegalStateException if the pipeline was started or closed before
     */
    public CatchUpReport runUntilCaughtUp(Duration limit) throws InterruptedException {
        return engine.runUntilCaughtUp(Builder.positive("limit", limit));
    }

    /**
     * Reads every row of {@code table} again and delivers it as a {@link Op#READ} event, while changes keep
     * flowing: {@code backfill(table, null)}. See {@link #backfill(TableId, String)}.
     *
     * @param table the table to read again, not null
     * @return completes once the request is recorded in a committed offset; see {@link #backfill(TableId, String)}
     * @throws IllegalStateException if the pipeline is closing or has ended
     */
    public CompletableFuture<Void> backfill(TableId table) {
        return backfill(table, null);
    }

    /**
     * Reads the rows of {@code table} that match {@code condition} again and delivers them as {@link Op#READ}
     * events, interleaved with the changes: in key chunks, each reconciled with the log, so every row ends in the
     * sink in its source state (PostgreSQL and MySQL/MariaDB log capture; see the sources' docs, "Backfills"). For a
     * sink that lost rows, a table that was left out for a while, or a column added with a default.
     *
     * <p>A backfill removes nothing: rows the sink holds that the source no longer has stay (a re-snapshot, by
     * deleting the stored offset, starts from a TRUNCATE instead). Backfills run one after another, in the order
     * asked, after an incremental snapshot under way; their progress rides in every committed offset, so a restart
     * goes on after the last row committed, and {@link #status()}{@code .snapshot()} and
     * {@link PipelineListener#onSnapshotProgress} show it like a snapshot's.
     *
     * <p>Returns at once. The request goes to the capture thread, whose source checks it; the future completes once
     * an offset that records the request is committed (from then on a crash or restart does not lose it), or
     * exceptionally: with an {@link IllegalArgumentException} if the table does not exist, is not captured by the
     * source's filter, has no primary key, or the database rejects the condition (its message included); with an
     * {@link UnsupportedOperationException} if the source cannot backfill; with an {@link IllegalStateException}
     * if it cannot start yet (a consistent initial snapshot is being read) or the pipeline stopped before
     * recording it. May be called before {@link #start()}.
     *
     * @param table the table to read again, not null; captured by the source's filter, with a primary key
     * @return completes once the request is recorded in a committed offset, or exceptionally as described above
     * @param condition an SQL boolean expression over the table's columns in the source database's dialect, such
     *     as {@code "updated_at > '2026-01-01'"}, or null for every row; no {@code ;}
     * @throws IllegalArgumentException if the condition is blank or holds a {@code ;}
     * @throws IllegalStateException if the pipeline is closing or has ended
     */
    public CompletableFuture<Void> backfill(TableId table, String condition) {
        return engine.backfill(Objects.requireNonNull(table, "table"), condition);
    }

    /**
     * Asks a pipeline that runs in another process (or that will start later) for a backfill, through its offset
     * store: leaves a signal there, which the pipeline reads within a few seconds while it runs, or when it starts.
     * It then acts as {@link #backfill(TableId, String)}, and removes the signal once an offset that records the
     * backfill is committed; a request it refuses (an unknown table, a rejected condition) is removed with a
     * warning in its log that says why. A crash between that commit and the removal runs the backfill once more,
     * which is harmless (it re-delivers rows as they are).
     *
     * @param pipelineName the name of the pipeline to ask, not null: 1 to 63 letters, digits, {@code _}, {@code .} or
     *     {@code -}
     * @param table the table to read again, not null
     * @param condition an SQL boolean expression over the table's columns, or null for every row; no {@code ;}
     * @param store the pipeline's offset store, built as the pipeline builds it
     * @return the signal's id in the store
     * @throws IllegalArgumentException if the condition is blank or holds a {@code ;}
     * @throws UnsupportedOperationException if the store keeps no signals
     */
    public static String requestBackfill(OffsetStore store, String pipelineName, TableId table, String condition) {
        Objects.requireNonNull(store, "store");
        return store.addSignal(PipelineContext.checkName(pipelineName), SignalText.backfill(table, condition));
    }

    /**
     * As {@link #requestBackfill(OffsetStore, String, TableId, String)}, for a pipeline that keeps its offsets in its
     * {@link ExactlyOnceSink} (no offset store of its own): the signal is left beside the sink's committed offset.
     *
     * @param pipelineName the name of the pipeline to ask, not null: 1 to 63 letters, digits, {@code _}, {@code .} or
     *     {@code -}
     * @param table the table to read again, not null
     * @param condition an SQL boolean expression over the table's columns, or null for every row; no {@code ;}
     * @param sink the pipeline's sink, built as the pipeline builds it (it need not be open)
     * @return the signal's id in the sink
     * @throws IllegalArgumentException if the condition is blank or holds a {@code ;}
     * @throws UnsupportedOperationException if the sink keeps no signals
     */
    public static String requestBackfill(ExactlyOnceSink sink, String pipelineName, TableId table, String condition) {
        return requestBackfill(new SinkOffsets(Objects.requireNonNull(sink, "sink")), pipelineName, table, condition);
    }

    /**
     * A snapshot of the pipeline's state and counters. Cheap; safe to call often.
     *
     * @return the status now, never null; an immutable copy, not a live view
     */
    public PipelineStatus status() {
        return engine.status();
    }

    /**
     * Waits until the pipeline is {@link PipelineState#isTerminal() terminal}: closed, completed or failed.
     *
     * @param timeout the longest to wait, not null
     * @return true if it is, false if the timeout passed first
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return engine.awaitTermination(timeout);
    }

    /**
     * Stops the pipeline gracefully: the capture stops, what was captured is written, flushed and committed, then
     * source and sink are closed. Returns within the {@link Builder#closeTimeout(Duration) close timeout} (plus a
     * second): events still queued when half of it has passed are left for the next run, and threads still busy
     * when it ends are interrupted. Idempotent. Called from a listener, it only asks the pipeline to stop.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ", " + engine.status().state() + "]";
    }

    /**
     * Configures a {@link Pipeline}. Each setter checks its argument at once; {@link #build()} checks that the
     * name, source, sink and an offset store are set. Not thread-safe.
     */
    public static final class Builder {
        private static final Duration MIN_COMMIT_INTERVAL = Duration.ofMillis(10);
        private String name;
        private Source source;
        private Sink sink;
        private OffsetStore offsetStore;
        private Duration commitInterval = Duration.ofSeconds(10);
        private int batchSize = 1024;
        private long maxBatchBytes = 16L << 20;
        private Duration batchDelay = Duration.ofMillis(100);
        private int maxQueueEvents = 16_384;
        private long maxQueueBytes = 32L << 20;
        private RetryPolicy retryPolicy = RetryPolicy.unlimited();
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration startTimeout = Duration.ofMinutes(5);
        private final List<PipelineListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Required: the pipeline's name, which keys its stored offset and from which sources derive their own
         * names (replication slots, server ids). 1 to 63 letters, digits, {@code _}, {@code .} or {@code -}.
         * Pipelines sharing an offset store or a source database need different names.
         *
         * @param name the name, not null; stable across restarts, since it keys the stored offset
         * @return this builder
         * @throws IllegalArgumentException if the name is empty, too long or holds other characters
         */
        public Builder name(String name) {
            this.name = PipelineContext.checkName(name);
            return this;
        }

        /**
         * Required: where changes come from.
         *
         * @param source the source, not null; the pipeline opens and closes its streams
         * @return this builder
         */
        public Builder source(Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Required: where changes go.
         *
         * @param sink the sink, not null; the pipeline opens, writes to and closes it from one thread at a time
         * @return this builder
         */
        public Builder sink(Sink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Where the committed offset is kept. Optional if the sink is an {@link ExactlyOnceSink}: without a store
         * here, the pipeline commits its offsets with the sink's data (exactly once); with one, the sink makes its
         * data durable at each flush and the offset is saved here after it (at least once, and a warning is logged).
         *
         * @param offsetStore the store, not null
         * @return this builder
         */
        public Builder offsetStore(OffsetStore offsetStore) {
            this.offsetStore = Objects.requireNonNull(offsetStore, "offsetStore");
            return this;
        }

        /**
         * How often the commit cycle runs while changes flow (default 10 s; at least 10 ms): it bounds how long a
         * change waits before it is durable and visible in the sink, and how much is captured again after a crash.
         * Each commit costs a flush (a Parquet file per table, a database transaction): below a second, a busy
         * pipeline writes many small files.
         *
         * @param commitInterval the time between commits, at least 10 ms, not null
         * @return this builder
         * @throws IllegalArgumentException if the interval is shorter than 10 ms or not positive
         */
        public Builder commitInterval(Duration commitInterval) {
            positive("commitInterval", commitInterval);
            if (commitInterval.compareTo(MIN_COMMIT_INTERVAL) < 0) {
                throw new IllegalArgumentException("commitInterval must be at least " + MIN_COMMIT_INTERVAL.toMillis()
                        + " ms (each commit flushes the sink: a file per table, or a transaction), was "
                        + commitInterval + ". For the lowest latency, use 100 ms to 1 s.");
            }
            this.commitInterval = commitInterval;
            return this;
        }

        /**
         * The most events handed to the sink in one write (default 1024).
         *
         * @param batchSize events per write, 1 to 1000000
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = between("batchSize", batchSize, 1, 1_000_000);
            return this;
        }

        /**
         * The most estimated bytes of events handed to the sink in one write (default 16 MiB; see
         * {@link ChangeEvent#estimatedSize()}). With {@link #maxQueueBytes(long)} it bounds the memory the engine
         * holds: a batch is written when it reaches either bound. A single larger event still goes, alone.
         *
         * @param maxBatchBytes estimated bytes per write, positive
         * @return this builder
         * @throws IllegalArgumentException if the size is not positive
         */
        public Builder maxBatchBytes(long maxBatchBytes) {
            if (maxBatchBytes < 1) {
                throw new IllegalArgumentException("maxBatchBytes must be positive, was " + maxBatchBytes);
            }
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * How long a batch may wait for more events before it is written anyway (default 100 ms; zero allowed).
         *
         * @param batchDelay the longest wait, zero or more, not null
         * @return this builder
         * @throws IllegalArgumentException if the delay is negative
         */
        public Builder batchDelay(Duration batchDelay) {
            Objects.requireNonNull(batchDelay, "batchDelay");
            if (batchDelay.isNegative()) {
                throw new IllegalArgumentException("batchDelay must not be negative, was " + batchDelay);
            }
            this.batchDelay = batchDelay;
            return this;
        }

        /**
         * The most events queued between capture and sink (default 16384).
         *
         * @param maxQueueEvents queued events, 1 to 10000000
         * @return this builder
         * @throws IllegalArgumentException if the number is out of range
         */
        public Builder maxQueueEvents(int maxQueueEvents) {
            this.maxQueueEvents = between("maxQueueEvents", maxQueueEvents, 1, 10_000_000);
            return this;
        }

        /**
         * The most estimated bytes queued between capture and sink (default 32 MiB); see
         * {@link ChangeEvent#estimatedSize()}. A single larger event still passes, alone.
         *
         * @param maxQueueBytes estimated queued bytes, positive
         * @return this builder
         * @throws IllegalArgumentException if the size is not positive
         */
        public Builder maxQueueBytes(long maxQueueBytes) {
            if (maxQueueBytes < 1) {
                throw new IllegalArgumentException("maxQueueBytes must be positive, was " + maxQueueBytes);
            }
            this.maxQueueBytes = maxQueueBytes;
            return this;
        }

        /**
         * How the pipeline recovers from retriable failures: backoff, and when to give up (default
         * {@link RetryPolicy#unlimited()}: retry without limit, 1 s doubling to 1 min).
         *
         * @param retryPolicy the policy, not null; replaces any {@link #retryBackoff} or {@link #maxRetries} set before
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * The wait before the first reopening after a failure, and its cap as it doubles (default 1 s, 1 min): a
         * shortcut that changes only the backoff of the {@link #retryPolicy(RetryPolicy) retry policy}.
         *
         * @param initial the first wait, positive, not null
         * @param max the longest wait, at least {@code initial}, not null
         * @return this builder
         * @throws IllegalArgumentException if a duration is not positive or {@code max} is shorter than {@code initial}
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryPolicy = retryPolicy.toBuilder().backoff(initial, max).build();
            return this;
        }

        /**
         * How many failures in a row (without a commit in between) the pipeline recovers from before it fails
         * (default: no limit; 0 fails on the first error): a shortcut that changes only the count limit of the
         * {@link #retryPolicy(RetryPolicy) retry policy}.
         *
         * @param maxRetries failures in a row to recover from, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if the number is negative
         */
        public Builder maxRetries(int maxRetries) {
            this.retryPolicy = retryPolicy.toBuilder().maxAttempts(maxRetries).build();
            return this;
        }

        /**
         * How long the first opening of source and sink may keep failing before the pipeline fails with a
         * {@link RetriesExhaustedException} (default 5 min): a pipeline that never connected (a wrong host, a server
         * that is not up) should not retry forever. Once it has opened, the {@link #retryPolicy(RetryPolicy) retry
         * policy} alone decides.
         *
         * @param startTimeout how long to keep trying to open, positive, not null
         * @return this builder
         */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = positive("startTimeout", startTimeout);
            return this;
        }

        /**
         * How long {@link Pipeline#close()} may take (default 30 s); see there.
         *
         * @param closeTimeout the longest {@code close()} takes, positive, not null
         * @return this builder
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = positive("closeTimeout", closeTimeout);
            return this;
        }

        /**
         * Adds a listener for metrics and monitoring.
         *
         * @param listener the listener, not null; called on the pipeline's threads, so it must be quick and thread-safe
         * @return this builder
         */
        public Builder listener(PipelineListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The clock for commit times and lag (default UTC system clock).
         *
         * @param clock the clock, not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The pipeline, not yet started.
         *
         * @return the pipeline, in state {@link PipelineState#NEW}
         * @throws IllegalStateException if the name, source or sink is missing, or there is no offset store
         */
        public Pipeline build() {
            if (name == null) {
                throw new IllegalStateException("the pipeline has no name: call name(\"…\"); it keys the stored"
                        + " offset, so pick one that stays the same across restarts");
            }
            if (source == null) {
                throw new IllegalStateException("pipeline " + name + " has no source: call source(…)");
            }
            if (sink == null) {
                throw new IllegalStateException("pipeline " + name + " has no sink: call sink(…)");
            }
            OffsetStore store = offsetStore;
            if (store == null) {
                if (!(sink instanceof ExactlyOnceSink exactlyOnce)) {
                    throw new IllegalStateException("pipeline " + name + " has no offset store and its sink " + sink
                            + " cannot commit offsets with its data (it is no ExactlyOnceSink): call offsetStore(…),"
                            + " e.g. FileOffsetStore.in(Path.of(\"offsets\")) or JdbcOffsetStore.create(dataSource)");
                }
                store = new SinkOffsets(exactlyOnce);
            } else if (sink instanceof ExactlyOnceSink) {
                LoggerFactory.getLogger(Pipeline.class).warn("pipeline {}: the offset store {} is used instead of"
                        + " committing offsets with the data of {}: delivery is at least once, not exactly once",
                        name, store, sink);
            }
            return new Pipeline(name, new Engine(new EngineConfig(name, source, sink, store, commitInterval,
                    batchSize, maxBatchBytes, batchDelay, maxQueueEvents, maxQueueBytes, retryPolicy, closeTimeout,
                    startTimeout, listeners, clock)));
        }

        static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }

        private static int between(String what, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}

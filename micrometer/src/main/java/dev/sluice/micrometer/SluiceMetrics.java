package dev.sluice.micrometer;

import dev.sluice.Offset;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.TableId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer metrics of one {@link Pipeline}: the {@link PipelineListener} that counts its batches, commits and
 * recoveries, and the {@link MeterBinder} that registers them, with gauges over {@link Pipeline#status()}, as
 * {@code sluice.*} meters tagged {@code pipeline=<name>} (per-table meters also {@code table=<namespace.name>}).
 *
 * <pre>{@code
 * SluiceMetrics metrics = new SluiceMetrics();
 * Pipeline pipeline = Pipeline.builder()
 *         .name("shop-to-lake")
 *         // … source, sink, offset store
 *         .listener(metrics)                  // before build(): counts from the first event on
 *         .build();
 * metrics.monitor(pipeline).bindTo(registry); // any MeterRegistry: Prometheus, JMX, OTLP…
 * pipeline.start();
 * }</pre>
 *
 * <p>The meters are registered once both the pipeline is known ({@link #monitor(Pipeline)}) and a registry is
 * bound, in either order. Counts and gauges read the pipeline's status and this object's own counters on each
 * scrape, so a registry bound late still shows everything since the start; only the commit timer
 * ({@code sluice.commit.duration}) and the batch size distribution ({@code sluice.batch.size}) record what happens
 * after binding. Gauges go on reading a pipeline that has stopped (its state gauge says so).
 *
 * <p>One instance serves one pipeline: {@link #monitor(Pipeline)} refuses a second pipeline, and callbacks from a
 * pipeline other than the monitored one (the same listener added to two builders) are ignored with a warning.
 * Listener callbacks are cheap (counter increments, one status read per commit) and never throw. Thread-safe.
 */
public final class SluiceMetrics implements PipelineListener, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(SluiceMetrics.class);

    private final Clock clock;
    private final Recorded recorded = new Recorded();
    private final Object lock = new Object();
    /** The pipeline whose callbacks count here: the first to call, or the monitored one. */
    private final AtomicReference<String> pipelineName = new AtomicReference<>();
    private final AtomicBoolean warnedForeign = new AtomicBoolean();
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final List<RegistryMeters> bound = new CopyOnWriteArrayList<>();
    private volatile Pipeline pipeline;
    private volatile int tablesSeen;

    /** Metrics for one pipeline: add them with {@link Pipeline.Builder#listener(PipelineListener)} before build(). */
    public SluiceMetrics() {
        this(Clock.systemUTC());
    }

    SluiceMetrics(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The pipeline whose {@link Pipeline#status()} the gauges read; call it after {@code build()}. Registers the
     * meters in the registries bound so far.
     *
     * @param p the pipeline, built with this as a {@linkplain Pipeline.Builder#listener listener} or not
     * @return this, to chain {@link #bindTo(MeterRegistry)}
     * @throws IllegalStateException if this already monitors a pipeline
     * @throws IllegalArgumentException if this was added as the listener of a pipeline of another name
     */
    public SluiceMetrics monitor(Pipeline p) {
        Objects.requireNonNull(p, "pipeline");
        synchronized (lock) {
            if (pipeline != null) {
                throw new IllegalStateException("this SluiceMetrics already monitors pipeline " + pipeline.name()
                        + "; one SluiceMetrics serves one pipeline: create a new SluiceMetrics() for pipeline "
                        + p.name() + " and add it to that pipeline's builder with listener(…)");
            }
            String listened = pipelineName.updateAndGet(n -> n == null ? p.name() : n);
            if (!listened.equals(p.name())) {
                throw new IllegalArgumentException("this SluiceMetrics is the listener of pipeline " + listened
                        + ", not of pipeline " + p.name() + ": monitor the pipeline whose builder it was added to");
            }
            pipeline = p;
            for (MeterRegistry registry : registries) {
                register(registry);
            }
        }
        return this;
    }

    /**
     * Registers the pipeline's meters in {@code registry}, now if the pipeline is {@linkplain #monitor(Pipeline)
     * monitored}, else as soon as it is. Binding the same registry again does nothing.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lock) {
            if (registries.stream().anyMatch(r -> r == registry)) {
                return;
            }
            registries.add(registry);
            if (pipeline != null) {
                register(registry);
            }
        }
    }

    private void register(MeterRegistry registry) {
        RegistryMeters meters = new RegistryMeters(registry, this, pipeline.name());
        // listed first, then filled: a table or exception that appears meanwhile is added by its callback
        bound.add(meters);
        recorded.recoveries.keySet().forEach(meters::recovery);
        meters.tables(pipeline.status().eventsPerTable().keySet());
    }

    @Override
    public void onStateChange(String name, PipelineState from, PipelineState to, Throwable cause) {
        try {
            if (mine(name) && from == PipelineState.NEW && recorded.started == null) {
                recorded.started = clock.instant();
            }
        } catch (RuntimeException e) {
            ignored("onStateChange", e);
        }
    }

    @Override
    public void onBatchWritten(String name, int events, long estimatedBytes, Duration took) {
        try {
            if (mine(name)) {
                recorded.batches.increment();
                recorded.batchBytes.add(estimatedBytes);
                for (RegistryMeters meters : bound) {
                    meters.batch(events);
                }
            }
        } catch (RuntimeException e) {
            ignored("onBatchWritten", e);
        }
    }

    @Override
    public void onCommit(String name, Offset offset, long events, Duration took) {
        try {
            if (!mine(name)) {
                return;
            }
            for (RegistryMeters meters : bound) {
                meters.commit(took);
            }
            Pipeline p = pipeline;
            if (p != null && !bound.isEmpty()) {
                Set<TableId> tables = p.status().eventsPerTable().keySet();
                if (tables.size() != tablesSeen) { // tables are only ever added in a run
                    tablesSeen = tables.size();
                    for (RegistryMeters meters : bound) {
                        meters.tables(tables);
                    }
                }
            }
        } catch (RuntimeException e) {
            ignored("onCommit", e);
        }
    }

    @Override
    public void onRecovery(String name, Throwable cause, int attempt, Duration delay) {
        try {
            if (mine(name)) {
                String exception = Recorded.exceptionTag(cause);
                recorded.recovery(exception);
                for (RegistryMeters meters : bound) {
                    meters.recovery(exception);
                }
            }
        } catch (RuntimeException e) {
            ignored("onRecovery", e);
        }
    }

    /** The monitored pipeline's status; only read by meters, which exist only once a pipeline is monitored. */
    PipelineStatus status() {
        return pipeline.status();
    }

    Recorded recorded() {
        return recorded;
    }

    /** Seconds since the last commit, or since the start before the first; NaN before the start. */
    double sinceLastCommit() {
        Instant last = status().lastCommitTime();
        Instant base = last != null ? last : recorded.started;
        if (base == null) {
            return Double.NaN;
        }
        Duration since = Duration.between(base, clock.instant());
        return since.isNegative() ? 0 : since.toNanos() / 1e9;
    }

    private boolean mine(String name) {
        String listened = pipelineName.updateAndGet(n -> n == null ? name : n);
        if (listened.equals(name)) {
            return true;
        }
        if (warnedForeign.compareAndSet(false, true)) {
            log.warn("SluiceMetrics of pipeline {} was also added to pipeline {}: its callbacks are ignored;"
                    + " give each pipeline a SluiceMetrics of its own", listened, name);
        }
        return false;
    }

    private static void ignored(String callback, RuntimeException e) {
        log.warn("SluiceMetrics.{} failed; the metrics may be incomplete", callback, e);
    }

    @Override
    public String toString() {
        String name = pipelineName.get();
        return "SluiceMetrics[" + (name == null ? "no pipeline yet" : name) + "]";
    }
}

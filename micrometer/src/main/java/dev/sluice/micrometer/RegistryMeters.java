package dev.sluice.micrometer;

import dev.sluice.PipelineState;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.TableId;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one pipeline in one registry. The counts and gauges read {@link SluiceMetrics#status()} and
 * {@link Recorded} on each scrape; only the commit timer and the batch size distribution are fed by the listener
 * callbacks, so they see what happened after binding. Meters per table and per exception class are added as they
 * appear. Thread-safe.
 */
final class RegistryMeters {

    private static final double NO_VALUE = Double.NaN;

    private final MeterRegistry registry;
    private final SluiceMetrics metrics;
    private final Tags tags;
    private final Timer commitTimer;
    private final DistributionSummary batchSize;
    private final Set<TableId> tables = ConcurrentHashMap.newKeySet();
    private final Set<String> exceptions = ConcurrentHashMap.newKeySet();

    RegistryMeters(MeterRegistry registry, SluiceMetrics metrics, String pipeline) {
        this.registry = registry;
        this.metrics = metrics;
        this.tags = Tags.of("pipeline", pipeline);
        count("sluice.events.captured", "events taken from the source (again after a recovery)",
                m -> m.status().eventsCaptured());
        count("sluice.events.written", "events handed to the sink (again after a recovery)",
                m -> m.status().eventsWritten());
        count("sluice.events.committed", "events durable downstream", m -> m.status().eventsCommitted());
        count("sluice.commits", "commit cycles completed", m -> m.status().commits());
        count("sluice.batches", "batches handed to the sink", m -> m.recorded().batches.sum());
        FunctionCounter.builder("sluice.batches.bytes", metrics, m -> m.recorded().batchBytes.sum())
                .description("estimated bytes of the batches handed to the sink").baseUnit("bytes")
                .tags(tags).register(registry);
        this.batchSize = DistributionSummary.builder("sluice.batch.size")
                .description("events per batch handed to the sink").tags(tags).register(registry);
        this.commitTimer = Timer.builder("sluice.commit.duration")
                .description("how long a commit cycle took: flush the sink, save the offset").tags(tags)
                .register(registry);
        gauge("sluice.queue.events", "events queued between capture and sink", null, m -> m.status().queuedEvents());
        gauge("sluice.queue.bytes", "estimated bytes queued between capture and sink", "bytes",
                m -> m.status().queuedBytes());
        TimeGauge.builder("sluice.lag", metrics, TimeUnit.SECONDS, m -> seconds(m.status().lag()))
                .description("age of the newest change committed, when it was committed").tags(tags)
                .strongReference(true).register(registry);
        TimeGauge.builder("sluice.last.commit.age", metrics, TimeUnit.SECONDS, SluiceMetrics::sinceLastCommit)
                .description("time since the last commit (since the start before the first one)").tags(tags)
                .strongReference(true).register(registry);
        for (PipelineState state : PipelineState.values()) {
            Gauge.builder("sluice.state", metrics, m -> m.status().state() == state ? 1 : 0)
                    .description("1 for the state the pipeline is in, 0 for the others")
                    .tags(tags.and("state", state.name().toLowerCase(Locale.ROOT)))
                    .strongReference(true).register(registry);
        }
        snapshot("sluice.snapshot.rows.read", "rows the running snapshot has read", s -> s.rowsRead());
        snapshot("sluice.snapshot.rows.estimated", "estimated rows of the running snapshot's tables",
                s -> s.rowsEstimated() < 0 ? NO_VALUE : s.rowsEstimated());
        snapshot("sluice.snapshot.percent", "share of the estimated rows read, 0 to 100",
                s -> s.percent() < 0 ? NO_VALUE : s.percent());
        snapshot("sluice.snapshot.tables.done", "tables the running snapshot has read completely",
                s -> s.tablesDone());
        snapshot("sluice.snapshot.tables.total", "tables the running snapshot reads", s -> s.tablesTotal());
        health("sluice.source.backlog", "log bytes between the position confirmed to the source and its head",
                "bytes", h -> size(h.backlogBytes()));
        TimeGauge.builder("sluice.source.backlog.time", metrics, TimeUnit.SECONDS,
                        m -> seconds(m.status().sourceHealth().backlogTime()))
                .description("source time between the resume point and the source's newest change (MongoDB)")
                .tags(tags).strongReference(true).register(registry);
        health("sluice.source.retained", "log the source keeps on disk (a slot's WAL, the binlog files)", "bytes",
                h -> size(h.retainedBytes()));
        health("sluice.source.retention.limit", "the setting that bounds the retained log (max_slot_wal_keep_size)",
                "bytes", h -> size(h.limitBytes()));
        health("sluice.source.retention.headroom",
                "log that may still be written before the source removes what the pipeline needs", "bytes",
                h -> size(h.headroomBytes()));
        TimeGauge.builder("sluice.source.retention.headroom.time", metrics, TimeUnit.SECONDS,
                        m -> seconds(m.status().sourceHealth().headroomTime()))
                .description("time left before the source removes log the pipeline needs (oplog window)")
                .tags(tags).strongReference(true).register(registry);
        health("sluice.source.retention.risk", "0 ok, 1 warning, 2 critical: how near the source is to removing"
                + " log the pipeline needs", null, h -> h.risk() == Risk.UNKNOWN ? NO_VALUE : h.risk().level());
    }

    /** Adds the per-table counter of each table not seen before. */
    void tables(Set<TableId> seen) {
        for (TableId table : seen) {
            if (tables.add(table)) {
                FunctionCounter.builder("sluice.table.events.committed", metrics,
                                m -> m.status().eventsPerTable().getOrDefault(table, 0L))
                        .description("committed events of one table (snapshot rows included)")
                        .tags(tags.and("table", table.toString())).register(registry);
            }
        }
    }

    /** Adds the recovery counter of an exception class not seen before. */
    void recovery(String exception) {
        if (exceptions.add(exception)) {
            FunctionCounter.builder("sluice.recoveries", metrics, m -> m.recorded().recoveries(exception))
                    .description("times the pipeline reopened source and sink after a failure, by its class")
                    .tags(tags.and("exception", exception)).register(registry);
        }
    }

    void batch(int events) {
        batchSize.record(events);
    }

    void commit(Duration took) {
        commitTimer.record(took);
    }

    private void count(String name, String description, ToDoubleFunction<SluiceMetrics> f) {
        FunctionCounter.builder(name, metrics, f).description(description).tags(tags).register(registry);
    }

    private void gauge(String name, String description, String unit, ToDoubleFunction<SluiceMetrics> f) {
        Gauge.builder(name, metrics, f).description(description).baseUnit(unit).tags(tags).strongReference(true)
                .register(registry);
    }

    private void snapshot(String name, String description, ToDoubleFunction<SnapshotStatus> f) {
        gauge(name, description, null, m -> {
            SnapshotStatus snapshot = m.status().snapshot();
            return snapshot == null ? NO_VALUE : f.applyAsDouble(snapshot);
        });
    }

    private void health(String name, String description, String unit, ToDoubleFunction<SourceHealth> f) {
        gauge(name, description, unit, m -> f.applyAsDouble(m.status().sourceHealth()));
    }

    private static double size(long bytes) {
        return bytes < 0 ? NO_VALUE : bytes;
    }

    private static double seconds(Duration d) {
        return d == null ? NO_VALUE : d.toNanos() / 1e9;
    }

}

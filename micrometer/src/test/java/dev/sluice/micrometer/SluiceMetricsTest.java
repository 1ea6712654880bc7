package dev.sluice.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SluiceMetricsTest {

    private final MemorySink sink = new MemorySink();

    @Test
    void metersMatchTheStatusAfterASnapshotAndARecovery() throws Exception {
        MemorySource source = MemorySource.withEvents(500).maxPerPoll(10).snapshotOf(200);
        sink.failWriteOnce(3);
        SluiceMetrics metrics = new SluiceMetrics();
        AtomicLong bytesSeen = new AtomicLong();
        MeterRegistry early = new SimpleMeterRegistry();
        metrics.bindTo(early); // before monitor(): registered once the pipeline is known
        Pipeline pipeline = pipeline("micrometer-run", source).listener(metrics).listener(new PipelineListener() {
            @Override
            public void onBatchWritten(String name, int events, long estimatedBytes, Duration took) {
                bytesSeen.addAndGet(estimatedBytes);
            }
        }).build();
        metrics.monitor(pipeline);

        pipeline.runUntilCaughtUp();
        PipelineStatus status = pipeline.status();
        MeterRegistry late = new SimpleMeterRegistry();
        metrics.bindTo(late); // after the run: the counts are complete, the timer starts empty

        assertThat(status.recoveries()).isEqualTo(1);
        assertThat(status.eventsCommitted()).isEqualTo(500);
        for (MeterRegistry registry : new MeterRegistry[] {early, late}) {
            assertThat(counter(registry, "sluice.events.captured")).isEqualTo(status.eventsCaptured());
            assertThat(counter(registry, "sluice.events.written")).isEqualTo(status.eventsWritten());
            assertThat(counter(registry, "sluice.events.committed")).isEqualTo(500);
            assertThat(counter(registry, "sluice.commits")).isEqualTo(status.commits());
            assertThat(registry.get("sluice.recoveries").tag("pipeline", "micrometer-run")
                    .tag("exception", "IllegalStateException").functionCounter().count()).isEqualTo(1);
            assertThat(counter(registry, "sluice.batches")).isEqualTo(sink.writes() - 1); // the failed one is no batch
            assertThat(counter(registry, "sluice.batches.bytes")).isEqualTo(bytesSeen.get()).isPositive();
            assertThat(registry.get("sluice.table.events.committed").tag("pipeline", "micrometer-run")
                    .tag("table", "mem.items").functionCounter().count())
                    .isEqualTo((double) status.eventsPerTable().get(MemorySource.TABLE)).isEqualTo(500);
            assertThat(gauge(registry, "sluice.lag")).isEqualTo(status.lag().toNanos() / 1e9);
            assertThat(gauge(registry, "sluice.queue.events")).isZero();
            assertThat(gauge(registry, "sluice.snapshot.rows.read")).isNaN(); // no snapshot runs any more
            assertThat(gauge(registry, "sluice.snapshot.percent")).isNaN();
            assertThat(gauge(registry, "sluice.last.commit.age")).isBetween(0.0, 60.0);
            for (PipelineState state : PipelineState.values()) {
                assertThat(registry.get("sluice.state").tag("state", state.name().toLowerCase(Locale.ROOT))
                        .gauge().value()).isEqualTo(state == status.state() ? 1 : 0);
            }
        }
        Timer commitTimer = early.get("sluice.commit.duration").tag("pipeline", "micrometer-run").timer();
        assertThat(commitTimer.count()).isEqualTo(status.commits()).isPositive();
        assertThat(early.get("sluice.batch.size").summary().totalAmount()).isEqualTo(status.eventsWritten());
        assertThat(late.get("sluice.commit.duration").timer().count()).isZero();
    }

    @Test
    void snapshotGaugesShowARunningSnapshot() throws Exception {
        MemorySource source = MemorySource.withEvents(100).maxPerPoll(10).snapshotOf(300);
        SluiceMetrics metrics = new SluiceMetrics();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = pipeline("micrometer-snapshot", source).listener(metrics).build()) {
            metrics.monitor(pipeline).bindTo(registry);
            assertThat(registry.get("sluice.state").tag("state", "new").gauge().value()).isEqualTo(1);
            assertThat(gauge(registry, "sluice.last.commit.age")).isNaN(); // not started
            pipeline.start();
            awaitCommitted(pipeline, 100);

            assertThat(gauge(registry, "sluice.snapshot.rows.read")).isEqualTo(100);
            assertThat(gauge(registry, "sluice.snapshot.rows.estimated")).isEqualTo(300);
            assertThat(gauge(registry, "sluice.snapshot.percent")).isCloseTo(33.3, within(0.1));
            assertThat(gauge(registry, "sluice.snapshot.tables.done")).isZero();
            assertThat(gauge(registry, "sluice.snapshot.tables.total")).isEqualTo(1);
            assertThat(registry.get("sluice.state").tag("state", "running").gauge().value()).isEqualTo(1);
        }
        assertThat(registry.get("sluice.state").tag("state", "closed").gauge().value()).isEqualTo(1);
        assertThat(gauge(registry, "sluice.snapshot.rows.estimated")).isNaN();
    }

    @Test
    void sourceHealthGaugesFollowTheSourcesMeasurements() throws Exception {
        MemorySource source = MemorySource.withEvents(50).maxPerPoll(10);
        SluiceMetrics metrics = new SluiceMetrics();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = pipeline("micrometer-health", source).listener(metrics).build()) {
            metrics.monitor(pipeline).bindTo(registry);
            assertThat(gauge(registry, "sluice.source.retention.risk")).isNaN(); // not open: unknown
            assertThat(gauge(registry, "sluice.source.backlog")).isNaN();
            pipeline.start();
            awaitCommitted(pipeline, 50);
            assertThat(gauge(registry, "sluice.source.retention.risk")).isNaN(); // the source measures nothing

            source.health(new SourceHealth(Risk.WARNING, "half the limit", 600L << 20, null, 700L << 20, 1L << 30,
                    324L << 20, null, Instant.parse("2026-11-02T10:00:00Z")));
            assertThat(pipeline.status().sourceHealth().risk()).isEqualTo(Risk.WARNING);
            assertThat(gauge(registry, "sluice.source.retention.risk")).isEqualTo(1);
            assertThat(gauge(registry, "sluice.source.backlog")).isEqualTo(600L << 20);
            assertThat(gauge(registry, "sluice.source.retained")).isEqualTo(700L << 20);
            assertThat(gauge(registry, "sluice.source.retention.limit")).isEqualTo(1L << 30);
            assertThat(gauge(registry, "sluice.source.retention.headroom")).isEqualTo(324L << 20);
            assertThat(gauge(registry, "sluice.source.backlog.time")).isNaN();
            assertThat(registry.get("sluice.source.backlog").tag("pipeline", "micrometer-health").gauge()
                    .getId().getBaseUnit()).isEqualTo("bytes");

            source.health(new SourceHealth(Risk.CRITICAL, "oplog nearly gone", -1, Duration.ofSeconds(90), -1, -1,
                    -1, Duration.ofSeconds(30), Instant.parse("2026-11-02T10:00:10Z")));
            assertThat(gauge(registry, "sluice.source.retention.risk")).isEqualTo(2);
            assertThat(gauge(registry, "sluice.source.backlog")).isNaN();
            assertThat(gauge(registry, "sluice.source.backlog.time")).isEqualTo(90);
            assertThat(gauge(registry, "sluice.source.retention.headroom.time")).isEqualTo(30);
            assertThat(gauge(registry, "sluice.source.retention.headroom")).isNaN();
        }
        assertThat(gauge(registry, "sluice.source.retention.risk")).isNaN(); // closed: unknown again
    }

    @Test
    void oneSluiceMetricsServesOnePipeline() {
        SluiceMetrics metrics = new SluiceMetrics();
        Pipeline first = pipeline("micrometer-one", MemorySource.withEvents(1)).listener(metrics).build();
        Pipeline second = pipeline("micrometer-two", MemorySource.withEvents(1)).build();
        metrics.monitor(first);

        assertThatThrownBy(() -> metrics.monitor(second)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already monitors pipeline micrometer-one")
                .hasMessageContaining("create a new SluiceMetrics() for pipeline micrometer-two");
        SluiceMetrics listening = new SluiceMetrics();
        listening.onBatchWritten("micrometer-one", 5, 100, Duration.ZERO);
        assertThatThrownBy(() -> listening.monitor(second)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener of pipeline micrometer-one, not of pipeline micrometer-two");
        first.close();
        second.close();
    }

    @Test
    void callbacksOfAnotherPipelineAreIgnored() {
        SluiceMetrics metrics = new SluiceMetrics();
        Pipeline pipeline = pipeline("micrometer-own", MemorySource.withEvents(1)).listener(metrics).build();
        MeterRegistry registry = new SimpleMeterRegistry();
        metrics.monitor(pipeline).bindTo(registry);

        metrics.onBatchWritten("micrometer-own", 5, 100, Duration.ZERO);
        metrics.onBatchWritten("micrometer-stranger", 7, 900, Duration.ZERO);
        metrics.onRecovery("micrometer-stranger", new IllegalStateException("x"), 1, Duration.ZERO);

        assertThat(counter(registry, "sluice.batches")).isEqualTo(1);
        assertThat(counter(registry, "sluice.batches.bytes")).isEqualTo(100);
        assertThat(registry.find("sluice.recoveries").functionCounters()).isEmpty();
        pipeline.close();
    }

    private Pipeline.Builder pipeline(String name, MemorySource source) {
        return Pipeline.builder()
                .name(name)
                .source(source)
                .sink(sink)
                .offsetStore(new InMemoryOffsetStore())
                .commitInterval(Duration.ofMillis(20))
                .batchSize(64)
                .batchDelay(Duration.ofMillis(5))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40));
    }

    private static double counter(MeterRegistry registry, String name) {
        return registry.get(name).functionCounter().count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static void awaitCommitted(Pipeline pipeline, long events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.status().eventsCommitted() < events && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pipeline.status().eventsCommitted()).isEqualTo(events);
    }
}

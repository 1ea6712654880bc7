package dev.sluice;

import static dev.sluice.testing.Deliveries.assertExactlyOnceInOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import dev.sluice.testkit.SeqOffset;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PipelineDeliveryTest {

    private final MemorySink sink = new MemorySink();
    private final InMemoryOffsetStore store = new InMemoryOffsetStore();

    static Pipeline.Builder fastPipeline(Source source, Sink sink, OffsetStore store) {
        return Pipeline.builder()
                .name("test")
                .source(source)
                .sink(sink)
                .offsetStore(store)
                .commitInterval(Duration.ofMillis(50))
                .batchSize(64)
                .batchDelay(Duration.ofMillis(5))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40));
    }

    /** Waits up to 10 s for the pipeline to have committed {@code events} events. */
    static void awaitCommitted(Pipeline pipeline, long events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.status().eventsCommitted() < events && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void deliversEveryEventOnceInOrderAndCommitsTheLast() throws Exception {
        MemorySource source = MemorySource.withEvents(10_000).finishAtEnd();

        CatchUpReport report = fastPipeline(source, sink, store).build().runUntilCaughtUp();

        assertExactlyOnceInOrder(sink.durableSeqs(), 10_000);
        assertThat(store.load("test")).contains("mem:10000");
        assertThat(source.committed()).isSorted().endsWith(10_000L);
        assertThat(report.caughtUp()).isTrue();
        assertThat(report.events()).isEqualTo(10_000);
        assertThat(report.eventsPerTable()).isEqualTo(Map.of(MemorySource.TABLE, 10_000L));
        assertThat(report.committedOffset()).isEqualTo(new SeqOffset(10_000));
    }

    @Test
    void resumesAfterTheStoredOffsetWithoutRepeating() throws Exception {
        store.save("test", "mem:400");
        MemorySource source = MemorySource.withEvents(1000).finishAtEnd();

        fastPipeline(source, sink, store).build().runUntilCaughtUp();

        assertThat(sink.durableSeqs()).first().isEqualTo(401L);
        assertThat(sink.durableSeqs()).hasSize(600).isSorted();
    }

    @Test
    void aFinishedStreamCompletesThePipeline() throws Exception {
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(300).finishAtEnd(), sink, store).build();
        pipeline.start();

        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();

        assertThat(pipeline.status().state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(pipeline.status().eventsCommitted()).isEqualTo(300);
        assertThat(pipeline.status().lastCommittedOffset()).isEqualTo(new SeqOffset(300));
        assertExactlyOnceInOrder(sink.durableSeqs(), 300);
    }

    @Test
    void runUntilCaughtUpReturnsOnceTheStartPositionIsCommittedWhileWritesGoOn() throws Exception {
        MemorySource source = MemorySource.withEvents(2000);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                source.append(5);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        try {
            CatchUpReport report = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> fastPipeline(source, sink, store).build().runUntilCaughtUp());

            SeqOffset target = (SeqOffset) report.target();
            assertThat(target.seq()).isGreaterThanOrEqualTo(2000);
            assertThat(report.caughtUp()).isTrue();
            assertThat(report.committedOffset().covers(target)).isTrue();
            assertThat(store.load("test")).hasValueSatisfying(
                    stored -> assertThat(source.decodeOffset(stored).covers(target)).isTrue());
            assertThat(sink.durableSeqs()).isSorted().startsWith(1L, 2L, 3L);
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void runUntilCaughtUpCommitsAtItsTargetWithoutWaitingForTheCommitInterval() throws Exception {
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(500), sink, store)
                .commitInterval(Duration.ofHours(1)).build();

        CatchUpReport report = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.runUntilCaughtUp());

        assertThat(report.caughtUp()).isTrue();
        assertThat(report.events()).isEqualTo(500);
        assertThat(store.load("test")).hasValue("mem:500");
    }

    @Test
    void runUntilCaughtUpWithNothingNewReturnsAtOnce() throws Exception {
        store.save("test", "mem:500");

        CatchUpReport report = fastPipeline(MemorySource.withEvents(500), sink, store).build().runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(report.events()).isZero();
        assertThat(sink.durableSeqs()).isEmpty();
    }

    @Test
    void runUntilCaughtUpOnAnEmptySourceReturnsAtOnce() throws Exception {
        CatchUpReport report = fastPipeline(MemorySource.withEvents(0), sink, store).build().runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(report.target()).isNull();
        assertThat(report.events()).isZero();
    }

    @Test
    void commitsThePositionReadPastTheLastEventSoAnIdleTableDoesNotHoldTheLog() throws Exception {
        // every 10th change belongs to a table not captured: the head (1000) is never carried by an event
        MemorySource source = MemorySource.withEvents(1000).skipEvery(10);

        CatchUpReport report = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> fastPipeline(source, sink, store).build().runUntilCaughtUp());

        assertThat(report.caughtUp()).isTrue();
        assertThat(store.load("test")).contains("mem:1000");
        assertThat(source.committed()).contains(1000L);
        assertThat(sink.durableSeqs()).hasSize(900).doesNotContain(10L, 1000L);
    }

    @Test
    void reportsStatusWhileRunning() throws Exception {
        MemorySource source = MemorySource.withEvents(100);
        try (Pipeline pipeline = fastPipeline(source, sink, store).build()) {
            assertThat(pipeline.status().state()).isEqualTo(PipelineState.NEW);
            pipeline.start();
            awaitCommitted(pipeline, 100);
            PipelineStatus status = pipeline.status();
            assertThat(status.state()).isEqualTo(PipelineState.RUNNING);
            assertThat(status.pipelineName()).isEqualTo("test");
            assertThat(status.eventsCaptured()).isEqualTo(100);
            assertThat(status.eventsWritten()).isEqualTo(100);
            assertThat(status.eventsCommitted()).isEqualTo(100);
            assertThat(status.commits()).isPositive();
            assertThat(status.lastCommittedOffset()).isEqualTo(new SeqOffset(100));
            assertThat(status.lastCommitTime()).isNotNull();
            assertThat(status.lag()).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(status.eventsPerTable()).containsExactly(java.util.Map.entry(MemorySource.TABLE, 100L));
            assertThat(status.failure()).isNull();
        }
    }
}

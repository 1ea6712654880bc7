package dev.sluice;

import static dev.sluice.PipelineDeliveryTest.awaitCommitted;
import static dev.sluice.PipelineDeliveryTest.fastPipeline;
import static dev.sluice.testing.Deliveries.assertAtLeastOnceInOrder;
import static dev.sluice.testkit.SeqOffset.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.FlakyOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineRecoveryTest {

    private static final int EVENTS = 5000;

    enum Step { SOURCE_POLL, SINK_WRITE, SINK_FLUSH, OFFSET_SAVE, SOURCE_COMMITTED }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aFailureAtAnyStepLosesNothingAndResumesFromTheCommittedOffset(Step step) throws Exception {
        MemorySource source = MemorySource.withEvents(EVENTS).finishAtEnd();
        MemorySink sink = new MemorySink().writeDelay(Duration.ofMillis(1)); // so that commits happen mid-stream
        FlakyOffsetStore store = new FlakyOffsetStore();
        switch (step) {
            case SOURCE_POLL -> source.failPollOnceAt(2500);
            case SINK_WRITE -> sink.failWriteOnce(30);
            case SINK_FLUSH -> sink.failFlushOnce(2);
            case OFFSET_SAVE -> store.failSaveOnce(2);
            case SOURCE_COMMITTED -> source.failCommittedOnceAt(1000);
        }
        List<PipelineState> states = new CopyOnWriteArrayList<>();

        CatchUpReport report = fastPipeline(source, sink, store)
                .commitInterval(Duration.ofMillis(20))
                .listener(new PipelineListener() {
                    @Override
                    public void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {
                        states.add(to);
                    }
                })
                .build()
                .runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(states).contains(PipelineState.RECOVERING);
        assertThat(states.get(states.size() - 1)).isIn(PipelineState.COMPLETED, PipelineState.CLOSED);
        assertThat(source.opens()).isEqualTo(2);
        assertThat(sink.opens()).isEqualTo(2);
        assertAtLeastOnceInOrder(sink.durableSeqs(), EVENTS, seqs(store.saved()));
        assertThat(store.load("test")).contains("mem:" + EVENTS);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void survivesManyFailuresAtRandomPoints(long seed) throws Exception {
        Random random = new Random(seed);
        MemorySource source = MemorySource.withEvents(20_000).maxPerPoll(random.nextInt(50) + 10).finishAtEnd();
        MemorySink sink = new MemorySink();
        FlakyOffsetStore store = new FlakyOffsetStore();
        for (int i = 0; i < 15; i++) {
            source.failPollOnceAt(1 + random.nextInt(20_000));
            source.failCommittedOnceAt(1 + random.nextInt(20_000));
            sink.failWriteOnce(1 + random.nextInt(400));
            sink.failFlushOnce(1 + random.nextInt(60));
            store.failSaveOnce(1 + random.nextInt(60));
        }

        CatchUpReport report = fastPipeline(source, sink, store)
                .commitInterval(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .build()
                .runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(source.opens()).isGreaterThan(1);
        assertAtLeastOnceInOrder(sink.durableSeqs(), 20_000, seqs(store.saved()));
        assertThat(store.load("test")).contains("mem:20000");
    }

    @Test
    void aFatalErrorStopsThePipelineWithItsCause() {
        FatalException fatal = new FatalException("replication slot 'x' was dropped; re-snapshot");
        MemorySource source = MemorySource.withEvents(10).failOpen(fatal);
        Pipeline pipeline = fastPipeline(source, new MemorySink(), new InMemoryOffsetStore()).build();

        assertThatThrownBy(() -> pipeline.runUntilCaughtUp()).isSameAs(fatal);

        assertThat(pipeline.status().state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.status().failure()).isSameAs(fatal);
        assertThat(pipeline.status().recoveries()).isZero();
    }

    @Test
    void givesUpAfterMaxRetriesFailuresInARow() throws Exception {
        MemorySink sink = new MemorySink().failEveryWrite(new IllegalStateException("disk on fire"));
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), sink, new InMemoryOffsetStore())
                .maxRetries(2)
                .build();
        pipeline.start();

        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();

        PipelineStatus status = pipeline.status();
        assertThat(status.state()).isEqualTo(PipelineState.FAILED);
        assertThat(status.failure()).isInstanceOf(RetriesExhaustedException.class)
                .hasMessageContaining("gave up after 3 failures in a row")
                .hasMessageContaining("disk on fire")
                .hasRootCauseMessage("disk on fire");
        assertThat(status.recoveries()).isEqualTo(2);
        assertThat(sink.opens()).isEqualTo(3);
    }

    @Test
    void anOffsetOfAnotherSourceIsRefusedWithTheFix() {
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        store.save("test", "pg:0/16B3748");
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), new MemorySink(), store).build();

        assertThatThrownBy(() -> pipeline.runUntilCaughtUp())
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("pipeline test")
                .hasMessageContaining("'pg:0/16B3748'")
                .hasMessageContaining("expected 'mem:<number>'")
                .hasMessageContaining("delete the stored offset");
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.FAILED);
    }

    @Test
    void statusShowsTheFailureRecoveredFromUntilTheNextCommit() throws Exception {
        MemorySink sink = new MemorySink().failWriteOnce(1);
        try (Pipeline pipeline = fastPipeline(MemorySource.withEvents(100), sink, new InMemoryOffsetStore()).build()) {
            pipeline.start();
            awaitCommitted(pipeline, 100);

            PipelineStatus status = pipeline.status();
            assertThat(status.state()).isEqualTo(PipelineState.RUNNING);
            assertThat(status.recoveries()).isEqualTo(1);
            assertThat(status.eventsCommitted()).isEqualTo(100);
            assertThat(status.failure()).isNull();
        }
    }

    @Test
    void recoveryWaitsOutTheBackoffAndClosingCutsItShort() throws Exception {
        MemorySink sink = new MemorySink().failEveryWrite(new IllegalStateException("target down"));
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), sink, new InMemoryOffsetStore())
                .retryBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10))
                .build();
        pipeline.start();
        while (pipeline.status().state() != PipelineState.RECOVERING) {
            Thread.sleep(5);
        }
        assertThat(pipeline.status().failure()).hasMessage("target down");

        long started = System.nanoTime();
        pipeline.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.CLOSED);
        assertThat(pipeline.status().failure()).isNull();
        assertThat(sink.opens()).isEqualTo(1);
    }

    @Test
    void byDefaultRetriesALongOutageUntilItIsOver() throws Exception {
        MemorySink sink = new MemorySink();
        for (int write = 1; write <= 25; write++) {
            sink.failWriteOnce(write); // each opening's first write fails: 25 failures in a row
        }
        CatchUpReport report = Pipeline.builder().name("test").source(MemorySource.withEvents(10).finishAtEnd())
                .sink(sink).offsetStore(new InMemoryOffsetStore()).commitInterval(Duration.ofMillis(20))
                .retryPolicy(RetryPolicy.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build())
                .build()
                .runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(sink.opens()).isEqualTo(26);
        assertThat(sink.durableSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void givesUpOnceFailuresLastLongerThanTheRetryPolicysTimeLimit() throws Exception {
        MemorySink sink = new MemorySink().failEveryWrite(new IllegalStateException("target down"));
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), sink, new InMemoryOffsetStore())
                .retryPolicy(RetryPolicy.builder().backoff(Duration.ofMillis(20), Duration.ofMillis(20))
                        .maxDuration(Duration.ofMillis(300)).build())
                .build();
        long started = System.nanoTime();
        pipeline.start();

        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        assertThat(pipeline.status().failure()).isInstanceOf(RetriesExhaustedException.class)
                .hasMessageContaining("without a commit").hasRootCauseMessage("target down");
        assertThat(sink.opens()).isGreaterThan(1);
    }
}

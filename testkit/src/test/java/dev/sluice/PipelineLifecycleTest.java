package dev.sluice;

import static dev.sluice.PipelineDeliveryTest.fastPipeline;
import static dev.sluice.testing.Deliveries.assertExactlyOnceInOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import dev.sluice.testkit.SeqOffset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineLifecycleTest {

    private final MemorySink sink = new MemorySink();
    private final InMemoryOffsetStore store = new InMemoryOffsetStore();

    @Test
    void closeDuringHeavyLoadCommitsWhatWasFlushedAndReturnsWithinItsBound() throws Exception {
        MemorySource source = MemorySource.withEvents(Long.MAX_VALUE / 2); // a firehose
        sink.writeDelay(Duration.ofMillis(1));
        Pipeline pipeline = fastPipeline(source, sink, store).closeTimeout(Duration.ofSeconds(2)).build();
        pipeline.start();
        Thread.sleep(700);

        long started = System.nanoTime();
        pipeline.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // the contract: the close timeout plus the one-second grace after interrupting
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.CLOSED);
        long committed = ((SeqOffset) pipeline.status().lastCommittedOffset()).seq();
        assertThat(committed).isPositive();
        assertThat(store.load("test")).contains("mem:" + committed);
        assertThat(source.committed()).endsWith(committed);
        // everything up to the committed offset is durable, exactly once (no failure happened)
        assertExactlyOnceInOrder(sink.durableSeqs(), committed);
    }

    @Test
    void closeIsIdempotentAndWorksBeforeStart() {
        Pipeline neverStarted = fastPipeline(MemorySource.withEvents(10), sink, store).build();
        neverStarted.close();
        neverStarted.close();
        assertThat(neverStarted.status().state()).isEqualTo(PipelineState.CLOSED);
        assertThatThrownBy(neverStarted::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("build a new Pipeline");

        Pipeline started = fastPipeline(MemorySource.withEvents(10), sink, store).build();
        started.start();
        started.close();
        started.close();
        assertThat(started.status().state()).isEqualTo(PipelineState.CLOSED);
    }

    @Test
    void aPipelineRunsOnlyOnce() throws Exception {
        try (Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), sink, store).build()) {
            pipeline.start();
            assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
            assertThatThrownBy(() -> pipeline.runUntilCaughtUp()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("never started");
        }
    }

    @Test
    void listenersSeeStatesBatchesAndCommitsAndCannotBreakThePipeline() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        AtomicLong written = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        PipelineListener recording = new PipelineListener() {
            @Override
            public void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {
                states.add(from + "->" + to);
            }

            @Override
            public void onBatchWritten(String pipeline, int events, long estimatedBytes, Duration took) {
                written.addAndGet(events);
                assertThat(estimatedBytes).isPositive();
            }

            @Override
            public void onCommit(String pipeline, Offset offset, long events, Duration took) {
                committed.addAndGet(events);
            }
        };
        PipelineListener throwing = new PipelineListener() {
            @Override
            public void onBatchWritten(String pipeline, int events, long estimatedBytes, Duration took) {
                throw new IllegalStateException("a buggy metrics hook");
            }
        };

        CatchUpReport report = fastPipeline(MemorySource.withEvents(500).finishAtEnd(), sink, store)
                .listener(throwing)
                .listener(recording)
                .build()
                .runUntilCaughtUp();

        assertThat(report.events()).isEqualTo(500);
        assertThat(written.get()).isEqualTo(500);
        assertThat(committed.get()).isEqualTo(500);
        assertThat(states).containsExactly("NEW->STARTING", "STARTING->RUNNING", "RUNNING->COMPLETED");
    }

    @Test
    void aSnapshotsProgressShowsInTheStatusAndTheListenerUntilItEnds() throws Exception {
        MemorySource source = MemorySource.withEvents(100).maxPerPoll(10).snapshotOf(300);
        List<SnapshotStatus> seen = new CopyOnWriteArrayList<>();
        try (Pipeline pipeline = fastPipeline(source, sink, store).commitInterval(Duration.ofMillis(20))
                .listener(new PipelineListener() {
                    @Override
                    public void onSnapshotProgress(String pipeline, SnapshotStatus status) {
                        seen.add(status);
                    }
                }).build()) {
            pipeline.start();
            awaitCommitted(pipeline, 100);
            SnapshotStatus midway = pipeline.status().snapshot();
            assertThat(midway).isEqualTo(new SnapshotStatus(MemorySource.TABLE, 0, 1, 100, 300));
            assertThat(midway.percent()).isCloseTo(33.3, within(0.1));
            source.append(300);
            awaitCommitted(pipeline, 400);
            assertThat(pipeline.status().snapshot()).isNull(); // read completely: the stream streams now
        }
        assertThat(seen).isNotEmpty().allSatisfy(status -> {
            assertThat(status.table()).isEqualTo(MemorySource.TABLE);
            assertThat(status.rowsRead()).isBetween(1L, 299L);
            assertThat(status.rowsEstimated()).isEqualTo(300);
            assertThat(status.percent()).isBetween(0.0, 99.9);
        });
    }

    private static void awaitCommitted(Pipeline pipeline, long events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.status().eventsCommitted() < events && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pipeline.status().eventsCommitted()).isEqualTo(events);
    }

    @Test
    void snapshotPercentagesStayHonestAboutEstimates() {
        TableId t = TableId.of("s", "t");
        assertThat(new SnapshotStatus(t, 0, 2, 50, 200).percent()).isEqualTo(25.0);
        assertThat(new SnapshotStatus(t, 1, 2, 500, 200).percent()).isEqualTo(99.9); // a low estimate
        assertThat(new SnapshotStatus(null, 2, 2, 500, 200).percent()).isEqualTo(100.0);
        assertThat(new SnapshotStatus(t, 0, 1, 5, -1).percent()).isEqualTo(-1.0);
        assertThatThrownBy(() -> new SnapshotStatus(t, 3, 2, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondPipelineOfTheSameNameInThisJvmIsRefusedUntilTheFirstEnds() throws Exception {
        Pipeline first = fastPipeline(MemorySource.withEvents(10), sink, store).build();
        MemorySource secondSource = MemorySource.withEvents(10);
        MemorySink secondSink = new MemorySink();
        Pipeline second = fastPipeline(secondSource, secondSink, new InMemoryOffsetStore()).build(); // its own store
        first.startAndAwait(Duration.ofSeconds(10));
        assertThatThrownBy(() -> second.runUntilCaughtUp()).isInstanceOf(PipelineAlreadyRunningException.class)
                .hasMessageContaining("pipeline test is already running in this JVM");
        assertThat(secondSink.opens()).isZero();
        assertThat(secondSource.opens()).isZero();
        assertThat(first.status().state()).isEqualTo(PipelineState.RUNNING);
        first.close();
        CatchUpReport third = fastPipeline(MemorySource.withEvents(10), new MemorySink(), new InMemoryOffsetStore())
                .build().runUntilCaughtUp();
        assertThat(third.caughtUp()).isTrue();
    }

    @Test
    void startAndAwaitReturnsOnceOpenAndThrowsTheFirstFailureToOpen() throws Exception {
        try (Pipeline pipeline = fastPipeline(MemorySource.withEvents(10), sink, store).build()) {
            pipeline.startAndAwait(Duration.ofSeconds(10));
            assertThat(pipeline.status().state()).isIn(PipelineState.RUNNING, PipelineState.CLOSING);
        }
        MemorySource broken = MemorySource.withEvents(10)
                .failOpen(new FatalException("no such database: fix the URL"));
        Pipeline failing = fastPipeline(broken, new MemorySink(), new InMemoryOffsetStore()).build();
        assertThatThrownBy(() -> failing.startAndAwait(Duration.ofSeconds(10))).isInstanceOf(FatalException.class)
                .hasMessage("no such database: fix the URL");
        assertThat(failing.status().state().isTerminal()).isTrue();
    }

    @Test
    void aFirstOpeningThatKeepsFailingStopsAtTheStartTimeout() throws Exception {
        MemorySource down = MemorySource.withEvents(10).failOpenRetriably();
        Pipeline pipeline = fastPipeline(down, sink, store).startTimeout(Duration.ofMillis(300)).build();
        pipeline.start();
        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.status().failure()).isInstanceOf(RetriesExhaustedException.class)
                .hasMessageContaining("could not open its source and sink").hasMessageContaining("startTimeout");
    }

    @Test
    void listenersMayThrowErrorsAndCloseThePipelineFromAnyCallback() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        Pipeline[] self = new Pipeline[1];
        PipelineListener rude = new PipelineListener() {
            @Override
            public void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {
                names.add(pipeline);
                if (to == PipelineState.RUNNING) {
                    self[0].close(); // waits for nothing: the pipeline stops once the listener returns
                }
                throw new AssertionError("a listener's own assertion");
            }
        };
        self[0] = fastPipeline(MemorySource.withEvents(100), sink, store).listener(rude).build();
        self[0].start();
        assertThat(self[0].awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(self[0].status().state()).isEqualTo(PipelineState.CLOSED);
        assertThat(names).isNotEmpty().containsOnly(self[0].name());
    }

    @Test
    void aCatchUpRunStopsAtItsTimeLimit() throws Exception {
        MemorySource endless = MemorySource.withEvents(10);
        Pipeline pipeline = fastPipeline(endless, sink, store).build();
        endless.failOpenRetriably();
        CatchUpReport report = pipeline.runUntilCaughtUp(Duration.ofMillis(300));
        assertThat(report.caughtUp()).isFalse();
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.CLOSED);
    }

    @Test
    void anIdlePositionOnlyCommitShowsItsOwnDelayAsLagNotZero() throws Exception {
        Clock ticking = new Clock() { // one second later at every reading
            private final AtomicLong seconds = new AtomicLong();

            @Override
            public Instant instant() {
                return Instant.EPOCH.plusSeconds(seconds.incrementAndGet());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        MemorySource source = MemorySource.withEvents(9).skipEvery(10);
        fastPipeline(source, sink, store).clock(ticking).build().runUntilCaughtUp();
        source.append(1); // event 10: read, not returned (another table's change): the position moves alone
        Pipeline idle = fastPipeline(source, sink, store).clock(ticking).build();
        assertThat(idle.runUntilCaughtUp().events()).isZero();
        assertThat(store.load("test")).hasValue("mem:10");
        assertThat(idle.status().lag()).isPositive();
    }

    @Test
    void closeFromAListenerStopsThePipeline() throws Exception {
        Pipeline[] self = new Pipeline[1];
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(Long.MAX_VALUE / 2), sink, store)
                .listener(new PipelineListener() {
                    @Override
                    public void onCommit(String pipeline, Offset offset, long events, Duration took) {
                        self[0].close();
                    }
                })
                .build();
        self[0] = pipeline;
        pipeline.start();

        assertThat(pipeline.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.CLOSED);
    }

    @Test
    void theBuilderNamesWhatIsMissingOrWrong() {
        MemorySource source = MemorySource.withEvents(1);
        assertThatThrownBy(() -> Pipeline.builder().source(source).sink(sink).offsetStore(store).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no name");
        assertThatThrownBy(() -> Pipeline.builder().name("p").sink(sink).offsetStore(store).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no source: call source(");
        assertThatThrownBy(() -> Pipeline.builder().name("p").source(source).offsetStore(store).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no sink: call sink(");
        assertThatThrownBy(() -> Pipeline.builder().name("p").source(source).sink(sink).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no offset store")
                .hasMessageContaining("offsetStore(");
        assertThatThrownBy(() -> Pipeline.builder().name("orders to lake"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'orders to lake'");
        assertThatThrownBy(() -> Pipeline.builder().maxQueueBytes(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxQueueBytes must be positive, was -5");
        assertThatThrownBy(() -> Pipeline.builder().batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize must be between 1");
        assertThatThrownBy(() -> Pipeline.builder().maxQueueEvents(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1");
        assertThatThrownBy(() -> Pipeline.builder().commitInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("commitInterval must be positive, was PT0S");
        assertThatThrownBy(() -> Pipeline.builder().commitInterval(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 10 ms");
        assertThatThrownBy(() -> Pipeline.builder().batchDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> Pipeline.builder().retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be shorter");
        assertThatThrownBy(() -> Pipeline.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> Pipeline.builder().source(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("source");
    }

    @Test
    void anExactlyOnceSinkCommitsTheOffsetsOfAPipelineWithoutAStoreOfItsOwn() throws Exception {
        InMemoryOffsetStore sinkOffsets = new InMemoryOffsetStore();
        List<Boolean> told = new CopyOnWriteArrayList<>();
        List<String> calls = new CopyOnWriteArrayList<>();
        class CommittingSink implements ExactlyOnceSink {
            private final MemorySink inner = new MemorySink();

            @Override
            public void open(PipelineContext context) {
                told.add(context.exactlyOnce());
                inner.open(context);
            }

            @Override
            public void write(List<ChangeEvent> events) {
                inner.write(events);
            }

            @Override
            public void flush() {
                calls.add("flush");
                inner.flush();
            }

            @Override
            public Optional<String> committedOffset(String pipelineName) {
                return sinkOffsets.load(pipelineName);
            }

            @Override
            public void commit(String pipelineName, String encodedOffset) {
                calls.add("commit");
                sinkOffsets.save(pipelineName, encodedOffset);
            }

            @Override
            public void deleteOffset(String pipelineName) {
                sinkOffsets.delete(pipelineName);
            }

            @Override
            public void close() {
                inner.close();
            }
        }
        Pipeline.builder().name("own").source(MemorySource.withEvents(3).finishAtEnd()).sink(new CommittingSink())
                .build().runUntilCaughtUp();
        assertThat(calls).isNotEmpty().containsSubsequence("flush", "commit");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("commit");
        calls.clear();
        InMemoryOffsetStore elsewhere = new InMemoryOffsetStore();
        Pipeline.builder().name("other").source(MemorySource.withEvents(3).finishAtEnd()).sink(new CommittingSink())
                .offsetStore(elsewhere).build().runUntilCaughtUp();

        assertThat(told).containsExactly(true, false);
        assertThat(calls).isNotEmpty().containsOnly("flush");
        assertThat(sinkOffsets.load("own")).contains("mem:3");
        assertThat(sinkOffsets.load("other")).isEmpty();
        assertThat(elsewhere.load("other")).contains("mem:3");
    }

    @Test
    void aPlainSinkWithoutAnOffsetStoreIsRefusedAtBuild() {
        assertThatThrownBy(() -> Pipeline.builder().name("plain").source(MemorySource.withEvents(1))
                .sink(new MemorySink()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pipeline plain has no offset store")
                .hasMessageContaining("no ExactlyOnceSink")
                .hasMessageContaining("offsetStore(");
    }

    @Test
    void aFatalErrorOfTheFinalCommitFailsThePipelineInsteadOfClosingCleanly() throws Exception {
        MemorySink sink = new MemorySink();
        Pipeline pipeline = fastPipeline(MemorySource.withEvents(100), sink,
                new InMemoryOffsetStore()).commitInterval(Duration.ofHours(1)).build();
        pipeline.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.status().eventsWritten() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        FatalException gone = new FatalException("the bucket was deleted; create it again");
        sink.failEveryFlush(gone);

        pipeline.close();

        assertThat(pipeline.status().state()).isEqualTo(PipelineState.FAILED);
        assertThat(pipeline.status().failure()).isSameAs(gone);
        assertThat(pipeline.status().eventsCommitted()).isZero();
    }
}

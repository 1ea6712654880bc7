package dev.sluice;

import static dev.sluice.PipelineDeliveryTest.awaitCommitted;
import static dev.sluice.PipelineDeliveryTest.fastPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.offset.FileOffsetStore;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFencingTest {

    @Test
    void aSecondRunOfThePipelineStopsBeforeItOpensItsSinkOrSource(@TempDir Path offsets) throws Exception {
        MemorySink firstSink = new MemorySink();
        try (Pipeline first = fastPipeline(MemorySource.withEvents(100), firstSink, FileOffsetStore.in(offsets))
                .build()) {
            first.start();
            awaitCommitted(first, 100);

            MemorySource secondSource = MemorySource.withEvents(100);
            MemorySink secondSink = new MemorySink();
            Pipeline second = fastPipeline(secondSource, secondSink, FileOffsetStore.in(offsets)).build();

            assertThatThrownBy(() -> second.runUntilCaughtUp())
                    .isInstanceOf(PipelineAlreadyRunningException.class)
                    .hasMessageStartingWith("pipeline test is already running (in this process)");
            assertThat(second.status().state()).isEqualTo(PipelineState.FAILED);
            assertThat(secondSink.opens()).isZero();
            assertThat(secondSource.opens()).isZero();
            assertThat(first.status().state()).isEqualTo(PipelineState.RUNNING);
        }

        // closed, the first let go: the next run takes over where it stopped
        MemorySink thirdSink = new MemorySink();
        CatchUpReport third = fastPipeline(MemorySource.withEvents(120), thirdSink, FileOffsetStore.in(offsets))
                .build().runUntilCaughtUp();
        assertThat(third.caughtUp()).isTrue();
        assertThat(thirdSink.durableSeqs()).first().isEqualTo(101L);
    }

    @Test
    void theLeaseIsHeldAcrossRecoveriesTakenAgainOnceLostAndReleasedAtTheEnd() throws Exception {
        LeasingStore store = new LeasingStore();
        MemorySink sink = new MemorySink().failWriteOnce(1).failWriteOnce(2);
        MemorySource source = MemorySource.withEvents(50).finishAtEnd();
        source.failPollOnceAt(30);
        store.loseLeaseAtSave(1);

        CatchUpReport report = fastPipeline(source, sink, store).build().runUntilCaughtUp();

        assertThat(report.caughtUp()).isTrue();
        assertThat(source.opens()).isGreaterThanOrEqualTo(4);
        assertThat(store.acquired.get()).as("once at the start, once after the loss").isEqualTo(2);
        assertThat(store.held.get()).as("released at the end").isFalse();
    }

    /** An in-memory store whose lease can be lost, as a database session can end. */
    static final class LeasingStore implements OffsetStore {
        final InMemoryOffsetStore offsets = new InMemoryOffsetStore();
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicBoolean held = new AtomicBoolean();
        final AtomicInteger saves = new AtomicInteger();
        volatile int loseAt;
        volatile boolean lost;

        void loseLeaseAtSave(int save) {
            loseAt = save;
        }

        @Override
        public Lease acquire(String pipelineName) {
            if (!held.compareAndSet(false, true)) {
                throw new PipelineAlreadyRunningException("pipeline " + pipelineName + " is already running");
            }
            acquired.incrementAndGet();
            lost = false;
            return new Lease() {
                @Override
                public boolean isHeld() {
                    return !lost;
                }

                @Override
                public void close() {
                    held.set(false);
                }
            };
        }

        @Override
        public Optional<String> load(String pipelineName) {
            return offsets.load(pipelineName);
        }

        @Override
        public void save(String pipelineName, String encodedOffset) {
            if (saves.incrementAndGet() == loseAt) {
                lost = true;
            }
            if (lost) {
                throw new RetriableException("the lease's session ended");
            }
            offsets.save(pipelineName, encodedOffset);
        }

        @Override
        public void delete(String pipelineName) {
            offsets.delete(pipelineName);
        }
    }
}

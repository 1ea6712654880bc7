package dev.sluice;

import static dev.sluice.PipelineDeliveryTest.fastPipeline;
import static dev.sluice.testing.Deliveries.assertExactlyOnceInOrder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineMemoryTest {

    private static final int MIB = 1 << 20;

    @Test
    void aFastSourceIsHeldBackByTheQueuesByteBound() throws Exception {
        MemorySource source = MemorySource.withEvents(120).payloadBytes(MIB).maxPerPoll(8).finishAtEnd();
        MemorySink sink = new MemorySink().writeDelay(Duration.ofMillis(15));
        Pipeline pipeline = fastPipeline(source, sink, new InMemoryOffsetStore())
                .batchSize(1)
                .maxQueueBytes(16L * MIB)
                .maxQueueEvents(10_000)
                .build();
        AtomicLong maxQueuedBytes = new AtomicLong();
        AtomicLong maxInFlight = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                PipelineStatus status = pipeline.status();
                maxQueuedBytes.accumulateAndGet(status.queuedBytes(), Math::max);
                // captured is read before written, so this never understates what is in flight
                maxInFlight.accumulateAndGet(status.eventsCaptured() - status.eventsWritten(), Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        try {
            pipeline.runUntilCaughtUp();
        } finally {
            sampling.set(false);
            sampler.join();
        }

        // 1 MiB events and a 16 MiB bound: at most 15 fit (each is slightly over 1 MiB), plus one in the sink's
        // hands and one the sink thread holds between the queue and the write
        assertThat(maxQueuedBytes.get()).isLessThanOrEqualTo(16L * MIB).isGreaterThan(8L * MIB);
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(17);
        assertExactlyOnceInOrder(sink.durableSeqs(), 120);
    }
}

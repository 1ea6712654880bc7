package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.MemorySource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private static final int MIB = 1 << 20;
    private final PipelineContext context = PipelineContext.of("q", Clock.systemUTC());

    @Test
    void neverHoldsMoreThanItsByteBoundWhileAProducerOutrunsTheConsumer() throws Exception {
        MemorySource source = MemorySource.withEvents(0).payloadBytes(MIB);
        EventQueue queue = new EventQueue(10_000, 16L * MIB);
        AtomicBoolean producerBlocked = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            try {
                for (long seq = 1; seq <= 100; seq++) {
                    long before = System.nanoTime();
                    queue.put(source.event(seq, context));
                    if (System.nanoTime() - before > TimeUnit.MILLISECONDS.toNanos(2)) {
                        producerBlocked.set(true);
                    }
                }
                queue.putControl(new EventQueue.End(true));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        // let the producer fill the queue before draining starts (each event is a little over 1 MiB: 15 fit)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (queue.size() < 15 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }

        List<Long> seqs = new ArrayList<>();
        long maxPayloadInQueue = 0;
        List<Object> drained = new ArrayList<>();
        while (true) {
            Thread.sleep(3);
            // the payload actually held: what the queue says it holds, in real bytes of payload
            maxPayloadInQueue = Math.max(maxPayloadInQueue, (long) queue.size() * MIB);
            drained.clear();
            queue.drainTo(drained, 2, Long.MAX_VALUE, TimeUnit.SECONDS.toNanos(5));
            Object last = drained.get(drained.size() - 1);
            drained.stream().filter(ChangeEvent.class::isInstance)
                    .forEach(e -> seqs.add((Long) ((ChangeEvent) e).after().get(0)));
            if (last instanceof EventQueue.End) {
                break;
            }
        }
        producer.join();

        assertThat(queue.peakBytes()).isLessThanOrEqualTo(16L * MIB).isGreaterThan(14L * MIB);
        assertThat(maxPayloadInQueue).isLessThanOrEqualTo(16L * MIB);
        assertThat(producerBlocked).isTrue();
        assertThat(seqs).hasSize(100).isSorted();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void admitsAnEventLargerThanTheBoundWhenEmpty() throws Exception {
        MemorySource source = MemorySource.withEvents(0).payloadBytes(4 * MIB);
        EventQueue queue = new EventQueue(10, MIB);

        assertThat(queue.put(source.event(1, context))).isTrue();

        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void boundsTheNumberOfEventsToo() throws Exception {
        MemorySource source = MemorySource.withEvents(0);
        EventQueue queue = new EventQueue(3, Long.MAX_VALUE);
        for (int i = 1; i <= 3; i++) {
            queue.put(source.event(i, context));
        }
        Thread producer = new Thread(() -> {
            try {
                queue.put(source.event(4, context));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        producer.join(200);
        assertThat(producer.isAlive()).as("the fourth put waits").isTrue();

        queue.drainTo(new ArrayList<>(), 1, Long.MAX_VALUE, 0);
        producer.join(5000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(queue.size()).isEqualTo(3);
    }

    @Test
    void abortingPutsReleasesABlockedProducerAndControlItemsStillPass() throws Exception {
        MemorySource source = MemorySource.withEvents(0);
        EventQueue queue = new EventQueue(1, Long.MAX_VALUE);
        queue.put(source.event(1, context));
        boolean[] result = {true};
        Thread producer = new Thread(() -> {
            try {
                result[0] = queue.put(source.event(2, context));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        producer.join(100);

        queue.abortPuts();
        producer.join(5000);
        queue.putControl(new EventQueue.End(false));

        assertThat(result[0]).isFalse();
        List<Object> drained = new ArrayList<>();
        queue.drainTo(drained, 10, Long.MAX_VALUE, 0);
        assertThat(drained).hasSize(2).last().isEqualTo(new EventQueue.End(false));
    }

    @Test
    void drainingStopsAtTheByteBoundButAlwaysMovesTheFirstItem() throws Exception {
        MemorySource source = MemorySource.withEvents(0).payloadBytes(1000);
        EventQueue queue = new EventQueue(100, Long.MAX_VALUE);
        for (int i = 1; i <= 5; i++) {
            queue.put(source.event(i, context));
        }
        long size = source.event(1, context).estimatedSize();

        List<Object> first = new ArrayList<>();
        queue.drainTo(first, 100, 1, 0);
        List<Object> next = new ArrayList<>();
        queue.drainTo(next, 100, 2 * size + size / 2, 0);

        assertThat(first).extracting(item -> ((ChangeEvent) item).after().get(0)).containsExactly(1L);
        assertThat(next).extracting(item -> ((ChangeEvent) item).after().get(0)).containsExactly(2L, 3L);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(2 * size);
    }
}

package dev.sluice.internal;

import dev.sluice.ChangeEvent;
import dev.sluice.Offset;
import dev.sluice.testing.BenchRows;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@link EventQueue} between the capture thread and the sink thread, as the engine uses it: the producer puts
 * events one at a time ({@code CaptureLoop}), the consumer drains up to a batch at a time ({@code Engine}, default
 * batch 1,024). One operation is one event through the queue. Run with {@code scripts/jmh core}.
 *
 * <ul>
 *   <li>{@link #handOff}: a producer thread of the benchmark's own keeps the queue fed (blocking when it is full,
 *       as a fast source does), and the measured thread drains {@value #EVENTS} events per invocation: the
 *       cross-thread throughput, with the lock hand-offs and wake-ups of a full or empty queue.
 *   <li>{@link #uncontended}: one thread puts a batch and drains it: the queue's own cost per event (the lock, the
 *       deque, the byte accounting) with no other thread in the way.
 * </ul>
 *
 * <p>The events are {@code bench} rows ({@link BenchRows}), built once; the queue has the pipeline's default
 * bounds (16,384 events, 32 MiB), so the item bound is the one that blocks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventQueueBenchmark {

    static final int EVENTS = 10_000;
    static final int BATCH = 1024;
    private static final int DISTINCT = 4096;

    /** Events built once; the queue only moves references, so recycling them costs nothing extra. */
    @State(Scope.Benchmark)
    public static class Events {
        /** The queue never reads offsets: one for every event. */
        private static final Offset OFFSET = new Offset() {
            @Override
            public String encode() {
                return "bench";
            }

            @Override
            public boolean covers(Offset other) {
                return true;
            }
        };

        ChangeEvent[] events;

        @Setup(Level.Trial)
        public void build() {
            events = new ChangeEvent[DISTINCT];
            for (int i = 0; i < DISTINCT; i++) {
                events[i] = BenchRows.insert(i + 1, OFFSET);
            }
        }
    }

    /** A queue kept full by a producer thread for the whole trial. */
    @State(Scope.Thread)
    public static class Fed {
        @Param({"16384"})
        public int maxQueueEvents;

        EventQueue queue;
        Thread producer;
        final List<Object> drained = new ArrayList<>(BATCH);

        @Setup(Level.Trial)
        public void start(Events events) {
            queue = new EventQueue(maxQueueEvents, 32L << 20);
            ChangeEvent[] source = events.events;
            producer = new Thread(() -> {
                try {
                    int i = 0;
                    // put blocks while the queue is full, and returns false once the trial ends
                    while (queue.put(source[i])) {
                        i = (i + 1) % source.length;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sluice-jmh-capture");
            producer.setDaemon(true);
            producer.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            queue.abortPuts();
            producer.join(TimeUnit.SECONDS.toMillis(10));
            if (producer.isAlive()) {
                producer.interrupt();
                throw new IllegalStateException("the producer thread did not stop after abortPuts()");
            }
        }
    }

    /** A queue only the measured thread uses. */
    @State(Scope.Thread)
    public static class Own {
        EventQueue queue;
        final List<Object> drained = new ArrayList<>(BATCH);
        int next;

        @Setup(Level.Trial)
        public void create() {
            queue = new EventQueue(16_384, 32L << 20);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void handOff(Fed fed, Blackhole bh) throws InterruptedException {
        int received = 0;
        while (received < EVENTS) {
            fed.drained.clear();
            int moved = fed.queue.drainTo(fed.drained, Math.min(BATCH, EVENTS - received),
                    Long.MAX_VALUE, TimeUnit.SECONDS.toNanos(1));
            if (moved == 0) {
                throw new IllegalStateException("the producer thread delivered nothing for 1 s");
            }
            for (int i = 0; i < moved; i++) {
                bh.consume(fed.drained.get(i));
            }
            received += moved;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void uncontended(Own own, Events events, Blackhole bh) throws InterruptedException {
        ChangeEvent[] source = events.events;
        for (int i = 0; i < BATCH; i++) {
            own.queue.put(source[own.next]);
            own.next = (own.next + 1) % source.length;
        }
        own.drained.clear();
        int moved = own.queue.drainTo(own.drained, BATCH, Long.MAX_VALUE, 0);
        for (int i = 0; i < moved; i++) {
            bh.consume(own.drained.get(i));
        }
    }
}

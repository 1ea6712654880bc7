package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of backfills: requests reach the stream on its capture thread, complete once an offset that
 * records them is committed, survive a reopening that came before that commit, and come from signals in the offset
 * store too. The stream here records the requests it took in its offset text, as the log sources do.
 */
class PipelineBackfillTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final TableId KEYLESS = TableId.of("shop", "keyless");

    /** An offset that lists the backfills asked for: {@code bf:<polls>|table where cond|…}. */
    record ListOffset(long polls, List<String> backfills) implements Offset {
        @Override
        public String encode() {
            return "bf:" + polls + (backfills.isEmpty() ? "" : "|" + String.join("|", backfills));
        }

        @Override
        public boolean covers(Offset other) {
            return polls >= ((ListOffset) other).polls;
        }

        static ListOffset decode(String text) {
            String[] parts = text.substring(3).split("\\|");
            return new ListOffset(Long.parseLong(parts[0]), List.of(parts).subList(1, parts.length));
        }
    }

    /** A source whose streams take backfills (all but of {@link #KEYLESS}) and can fail a poll once. */
    static final class BackfillSource implements Source {
        final List<String> taken = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        /** Set: taking a backfill makes the sink's next flush fail, so its commit does not happen. */
        final AtomicBoolean failFlushAfterTaking = new AtomicBoolean();
        final AtomicBoolean failNextFlush = new AtomicBoolean();
        final AtomicInteger opens = new AtomicInteger();

        @Override
        public ChangeStream open(Offset from, PipelineContext context) {
            opens.incrementAndGet();
            ListOffset start = from == null ? new ListOffset(0, List.of()) : (ListOffset) from;
            return new ChangeStream() {
                long polls = start.polls();
                final List<String> backfills = new ArrayList<>(start.backfills());

                @Override
                public Offset head() {
                    return new ListOffset(0, List.of());
                }

                @Override
                public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
                    Thread.sleep(10);
                    polls++;
                    return List.of();
                }

                @Override
                public Offset position() {
                    return new ListOffset(polls, List.copyOf(backfills));
                }

                @Override
                public void backfill(TableId table, String condition) {
                    if (table.equals(KEYLESS)) {
                        throw new IllegalArgumentException("table " + table + " has no primary key");
                    }
                    String text = condition == null ? table.toString() : table + " where " + condition;
                    taken.add(text);
                    threads.add(Thread.currentThread().getName());
                    backfills.add(text);
                    if (failFlushAfterTaking.getAndSet(false)) {
                        failNextFlush.set(true);
                    }
                }

                @Override
                public void committed(Offset offset) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public Offset decodeOffset(String encoded) {
            return ListOffset.decode(encoded);
        }
    }

    private static Pipeline pipeline(Source source, OffsetStore store) {
        return pipeline(source, new MemorySink(), store);
    }

    private static Pipeline pipeline(Source source, Sink sink, OffsetStore store) {
        return Pipeline.builder().name("bf-test").source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(10))
                .build();
    }

    @Test
    void backfillCompletesOnceACommittedOffsetRecordsIt() throws Exception {
        BackfillSource source = new BackfillSource();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        try (Pipeline pipeline = pipeline(source, store)) {
            pipeline.start();
            pipeline.backfill(ORDERS, "id > 10").get(60, TimeUnit.SECONDS);
            assertTrue(store.load("bf-test").orElseThrow().contains("shop.orders where id > 10"),
                    store.load("bf-test").orElseThrow());
            assertEquals(List.of("shop.orders where id > 10"), source.taken);
            assertEquals("sluice-bf-test-capture", source.threads.get(0));
        }
    }

    @Test
    void aRequestMadeBeforeStartIsHandedOnceItRuns() throws Exception {
        BackfillSource source = new BackfillSource();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        try (Pipeline pipeline = pipeline(source, store)) {
            var future = pipeline.backfill(ORDERS);
            pipeline.start();
            future.get(60, TimeUnit.SECONDS);
            assertEquals(List.of("shop.orders"), source.taken);
        }
    }

    @Test
    void aRefusedBackfillFailsItsFutureWithTheSourcesReason() throws Exception {
        BackfillSource source = new BackfillSource();
        try (Pipeline pipeline = pipeline(source, new InMemoryOffsetStore())) {
            pipeline.start();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pipeline.backfill(KEYLESS).get(60, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("no primary key"), e.getCause().getMessage());
            pipeline.backfill(ORDERS).get(60, TimeUnit.SECONDS); // the pipeline goes on
            assertEquals(PipelineState.RUNNING, pipeline.status().state());
        }
    }

    @Test
    void aSourceWithoutBackfillsIsNamedInTheFailure() throws Exception {
        Source plain = new Source() {
            @Override
            public ChangeStream open(Offset from, PipelineContext context) {
                return new ChangeStream() {
                    @Override
                    public Offset head() {
                        return null;
                    }

                    @Override
                    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
                        Thread.sleep(10);
                        return List.of();
                    }

                    @Override
                    public Offset position() {
                        return null;
                    }

                    @Override
                    public void committed(Offset offset) {}

                    @Override
                    public void close() {}
                };
            }

            @Override
            public Offset decodeOffset(String encoded) {
                return ListOffset.decode(encoded);
            }

            @Override
            public String toString() {
                return "PlainSource";
            }
        };
        try (Pipeline pipeline = pipeline(plain, new InMemoryOffsetStore())) {
            pipeline.start();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pipeline.backfill(ORDERS).get(60, TimeUnit.SECONDS));
            assertInstanceOf(UnsupportedOperationException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("PlainSource cannot backfill"), e.getCause().getMessage());
        }
    }

    @Test
    void aBackfillTakenButNotCommittedIsAskedAgainAfterAReopening() throws Exception {
        BackfillSource source = new BackfillSource();
        source.failFlushAfterTaking.set(true);
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        MemorySink memory = new MemorySink();
        Sink sink = new Sink() {
            @Override
            public void open(PipelineContext context) {
                memory.open(context);
            }

            @Override
            public void write(List<ChangeEvent> events) {
                memory.write(events);
            }

            @Override
            public void flush() {
                if (source.failNextFlush.getAndSet(false)) {
                    throw new RetriableException("the flush after a backfill was taken fails, as told");
                }
                memory.flush();
            }

            @Override
            public void close() {
                memory.close();
            }
        };
        try (Pipeline pipeline = pipeline(source, sink, store)) {
            pipeline.start();
            pipeline.backfill(ORDERS).get(60, TimeUnit.SECONDS);
            // the first stream took it, and no commit recorded it before the session failed: the reopened one was
            // asked again
            assertEquals(List.of("shop.orders", "shop.orders"), source.taken);
            assertTrue(source.opens.get() >= 2);
            assertTrue(store.load("bf-test").orElseThrow().endsWith("|shop.orders"),
                    store.load("bf-test").orElseThrow());
        }
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        try (Pipeline pipeline = pipeline(new BackfillSource(), new InMemoryOffsetStore())) {
            assertThrows(IllegalArgumentException.class, () -> pipeline.backfill(ORDERS, " "));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pipeline.backfill(ORDERS, "id > 1; DROP TABLE shop.orders"));
            assertTrue(e.getMessage().contains("';'"), e.getMessage());
            pipeline.backfill(ORDERS, "note = 'a;b'"); // inside a string: fine
        }
    }

    @Test
    void aClosedPipelineRefusesBackfills() {
        Pipeline pipeline = pipeline(new BackfillSource(), new InMemoryOffsetStore());
        pipeline.close();
        assertThrows(IllegalStateException.class, () -> pipeline.backfill(ORDERS));
    }

    @Test
    void signalsAreActedOnAndRemovedAfterTheCommit() throws Exception {
        BackfillSource source = new BackfillSource();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String id = Pipeline.requestBackfill(store, "bf-test", ORDERS, "total > 5");
        String keyless = Pipeline.requestBackfill(store, "bf-test", KEYLESS, null);
        String unknown = store.addSignal("bf-test", "frobnicate\nall=yes\n");
        assertEquals(List.of(id, keyless, unknown), store.signals("bf-test").stream()
                .map(OffsetStore.Signal::id).toList());
        try (Pipeline pipeline = pipeline(source, store)) {
            pipeline.start();
            while (!store.signals("bf-test").isEmpty()) {
                Thread.sleep(20);
                assertTrue(!pipeline.status().state().isTerminal(), pipeline.status().toString());
            }
            assertEquals(List.of("shop.orders where total > 5"), source.taken);
            assertTrue(store.load("bf-test").orElseThrow().contains("shop.orders where total > 5"));
            // a signal left while it runs
            Pipeline.requestBackfill(store, "bf-test", ORDERS, null);
            while (!store.signals("bf-test").isEmpty()) {
                Thread.sleep(20);
            }
            assertEquals(List.of("shop.orders where total > 5", "shop.orders"), source.taken);
        }
    }
}

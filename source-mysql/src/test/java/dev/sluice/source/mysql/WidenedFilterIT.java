package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table that starts matching the filter at a restart (the filter widened while the pipeline was stopped): its
 * existing rows are backfilled, its changes from the stored offset on streamed, so the sink ends with all of it.
 */
@ExtendWith(MariaDbExtension.class)
class WidenedFilterIT {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    private static String name() {
        return "wid-maria-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40);
    }

    private static MySqlSource source(MariaDbDatabase db, TableFilter tables) {
        return Streams.source(db).snapshotChunkSize(40).tables(tables).build();
    }

    private static TableFilter only(MariaDbDatabase db, String... tables) {
        return TableFilter.include(List.of(tables).stream().map(t -> db.name() + "." + t).toList());
    }

    private static void createTable(MariaDbDatabase db, String table, int rows) throws Exception {
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL, note varchar(20))");
        insert(db, table, 1, rows, "initial");
    }

    private static void insert(MariaDbDatabase db, String table, int from, int to, String note) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ", ").append("(").append(id).append(", ").append(id % 7).append(", '")
                    .append(note).append("')");
        }
        db.execute(sql.toString());
    }

    private static TableId id(MariaDbDatabase db, String table) {
        return TableId.of(db.name(), table);
    }

    @Test
    void tablesAddedToTheFilterAreBackfilledAndStreamed(MariaDbDatabase db) throws Exception {
        createTable(db, "a", 50);
        createTable(db, "b", 300);
        createTable(db, "c", 120);
        String name = name();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        MemorySink sink = new MemorySink();
        // first run: a only, snapshotted and streamed
        try (Pipeline pipeline = pipeline(name, source(db, only(db, "a")), sink, store)) {
            pipeline.startAndAwait(LIMIT);
            db.execute("UPDATE a SET v = v + 10 WHERE id <= 5");
            waitFor(() -> sink.durable().stream().anyMatch(e -> e.op() == Op.UPDATE));
        }
        assertThat(store.load(name).orElseThrow()).contains(";filter=" + db.name() + ".a");
        assertThat(sink.durable()).noneMatch(e -> !e.table().equals(id(db, "a")));
        // while it is stopped: changes to b, which the binlog from the stored offset brings once b is captured
        db.execute("UPDATE b SET note = 'while-down' WHERE id BETWEEN 10 AND 19", "DELETE FROM b WHERE id > 290",
                "INSERT INTO b VALUES (1000, 1, 'while-down')");
        // second run: a and b; b's rows are read, its changes streamed, also those while it runs
        try (Pipeline pipeline = pipeline(name, source(db, only(db, "b", "a")), sink, store)) {
            pipeline.startAndAwait(LIMIT);
            db.execute("UPDATE b SET v = -1 WHERE id BETWEEN 100 AND 150", "INSERT INTO b VALUES (1001, 2, 'live')",
                    "DELETE FROM b WHERE id = 7");
            waitFor(() -> !store.load(name).orElseThrow().contains(";backfill=")
                    && store.load(name).orElseThrow().contains(";filter=" + db.name() + ".a," + db.name() + ".b")
                    && sink.durable().stream().anyMatch(e -> e.after() != null && e.after().get(0).equals(1001)));
            db.execute("INSERT INTO a VALUES (-1, 0, 'end')");
            waitFor(() -> sink.durable().stream().anyMatch(e -> e.after() != null && e.after().get(0).equals(-1)));
        }
        assertThat(sink.durable()).filteredOn(e -> e.table().equals(id(db, "b")) && e.op() == Op.READ)
                .as("b's existing rows read").hasSizeGreaterThanOrEqualTo(200);
        assertThat(sink.durable()).filteredOn(e -> e.table().equals(id(db, "b")) && e.op() == Op.TRUNCATE)
                .as("a backfill truncates nothing").isEmpty();
        assertThat(sink.durable()).filteredOn(e -> e.table().equals(id(db, "a")) && e.op() == Op.READ)
                .as("a, selected before, is not read again").hasSize(50);
        assertThat(sink.durable()).noneMatch(e -> e.table().equals(id(db, "c")));
        assertSinkEqualsSource(db, sink, "a", "b");
        // third run: a pattern that adds c
        int beforeC = sink.durable().size();
        db.execute("UPDATE c SET note = 'while-down' WHERE id < 5");
        try (Pipeline pipeline = pipeline(name, source(db, TableFilter.include(db.name() + ".*")), sink, store)) {
            pipeline.startAndAwait(LIMIT);
            db.execute("UPDATE c SET v = 99 WHERE id > 100");
            waitFor(() -> !store.load(name).orElseThrow().contains(";backfill=")
                    && store.load(name).orElseThrow().contains(";filter=" + db.name() + ".*")
                    && sink.durable().stream().anyMatch(e -> e.table().equals(id(db, "c")) && e.op() == Op.UPDATE
                            && e.after().get(1).equals(99)));
        }
        assertThat(sink.durable().subList(beforeC, sink.durable().size())).filteredOn(e -> e.op() == Op.READ)
                .as("only c is read").allMatch(e -> e.table().equals(id(db, "c"))).hasSizeGreaterThanOrEqualTo(100);
        assertSinkEqualsSource(db, sink, "a", "b", "c");
    }

    @Test
    void anUnchangedFilterQueuesNothing(MariaDbDatabase db) throws Exception {
        createTable(db, "a", 10);
        createTable(db, "b", 10);
        MySqlOffset stored = streamedOffset(source(db, only(db, "a", "b")));
        assertThat(stored.filter()).isEqualTo(FilterStamp.of(only(db, "a", "b")));
        PipelineContext context = PipelineContext.of(name(), Clock.systemUTC());
        for (TableFilter same : List.of(only(db, "a", "b"), only(db, "b", "a", "b"))) {
            try (ChangeStream stream = source(db, same).open(stored, context)) {
                assertThat(((MySqlOffset) stream.position()).backfills()).as("%s", same).isNull();
                assertThat(stream.poll(Duration.ofMillis(200))).isEmpty();
            }
        }
        // an offset of an older version records no filter: no check, nothing queued
        MySqlOffset old = MySqlOffset.decode(stored.encode().replaceAll(";filter=[^;]*", ""));
        assertThat(old.filter()).isNull();
        try (ChangeStream stream = source(db, TableFilter.include(db.name() + ".*")).open(old, context)) {
            assertThat(((MySqlOffset) stream.position()).backfills()).isNull();
            assertThat(((MySqlOffset) stream.position()).filter()).as("recorded from now on")
                    .isEqualTo(FilterStamp.of(TableFilter.include(db.name() + ".*")));
        }
        // a narrower filter queues nothing either
        try (ChangeStream stream = source(db, only(db, "a")).open(stored, context)) {
            assertThat(((MySqlOffset) stream.position()).backfills()).isNull();
        }
    }

    @Test
    void aCrashInTheMiddleOfTheBackfillGoesOnAfterTheLastRowEmitted(MariaDbDatabase db) throws Exception {
        createTable(db, "a", 10);
        createTable(db, "b", 700);
        MySqlOffset stored = streamedOffset(source(db, only(db, "a")));
        MySqlSource widened = source(db, only(db, "a", "b"));
        TableId b = id(db, "b");
        PipelineContext context = PipelineContext.of(name(), Clock.systemUTC());
        List<ChangeEvent> before = new ArrayList<>();
        try (ChangeStream stream = widened.open(stored, context)) {
            BackfillQueue queue = ((MySqlOffset) stream.position()).backfills();
            assertThat(queue.backfills()).containsExactly(BackfillQueue.Backfill.of(b, null));
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (before.stream().filter(e -> e.op() == Op.READ).count() < 250) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                before.addAll(stream.poll(Duration.ofMillis(100)));
            }
        } // a crash: the last event's offset is the one committed
        MySqlOffset crashed = (MySqlOffset) before.get(before.size() - 1).offset();
        assertThat(crashed.encode()).contains(";backfill=").contains(";filter=");
        assertThat(crashed.filter()).isEqualTo(widened.tablesStamp());
        db.execute("UPDATE b SET note = 'after-crash' WHERE id > 600", "DELETE FROM b WHERE id = 650");
        List<ChangeEvent> after = new ArrayList<>();
        try (ChangeStream stream = widened.open(widened.decodeOffset(crashed.encode()), context)) {
            assertThat(((MySqlOffset) stream.position()).backfills().backfills()).as("not queued twice").hasSize(1);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((MySqlOffset) stream.position()).backfills() != null
                    || after.stream().noneMatch(e -> e.op() == Op.UPDATE)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                after.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        long readBefore = before.stream().filter(e -> e.op() == Op.READ).count();
        assertThat(after).filteredOn(e -> e.op() == Op.READ).as("rows read after the restart: only the rest")
                .allMatch(e -> (Integer) e.after().get(0) > readBefore).hasSizeLessThanOrEqualTo((int) (700 - readBefore));
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(Folded.fold(all, b)).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, b));
    }

    @Test
    void aFilterRecordedByItsHashOnlyBackfillsEverySelectedTable(MariaDbDatabase db) throws Exception {
        createTable(db, "a", 30);
        createTable(db, "b", 40);
        List<String> patterns = new ArrayList<>(List.of(db.name() + ".a"));
        for (int i = 0; i < 12; i++) {
            patterns.add(db.name() + ".not_there_" + i + "_*");
        }
        MySqlOffset stored = streamedOffset(source(db, TableFilter.include(patterns)));
        assertThat(stored.filter().encode()).startsWith("sha256:");
        patterns.add(db.name() + ".b");
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source(db, TableFilter.include(patterns)).open(stored,
                PipelineContext.of(name(), Clock.systemUTC()))) {
            assertThat(((MySqlOffset) stream.position()).backfills().backfills()).extracting(b -> b.table().name())
                    .containsExactlyInAnyOrder("a", "b");
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (((MySqlOffset) stream.position()).backfills() != null) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        assertThat(events).filteredOn(e -> e.op() == Op.READ).hasSize(70);
        assertThat(Folded.fold(events, id(db, "b"))).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, id(db, "b")));
    }

    @Test
    void aKeylessTableAddedToTheFilterStopsWithTheFix(MariaDbDatabase db) throws Exception {
        createTable(db, "a", 10);
        db.execute("CREATE TABLE keyless (v int)", "INSERT INTO keyless VALUES (1), (2)");
        MySqlOffset stored = streamedOffset(source(db, only(db, "a")));
        MySqlSource widened = source(db, only(db, "a", "keyless"));
        assertThatThrownBy(() -> widened.open(stored, PipelineContext.of(name(), Clock.systemUTC())).close())
                .isInstanceOf(FatalException.class).hasMessageContaining("table " + id(db, "keyless"))
                .hasMessageContaining("has no primary key").hasMessageContaining("Fix: add a primary key")
                .hasMessageContaining("SnapshotMode.INITIAL");
    }

    /** The offset of a stream of {@code source} that took its snapshot and streamed a little. */
    private static MySqlOffset streamedOffset(MySqlSource source) throws Exception {
        try (ChangeStream stream = source.open(null, PipelineContext.of(name(), Clock.systemUTC()))) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (stream.position() == null || ((MySqlOffset) stream.position()).isSnapshot()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                stream.poll(Duration.ofMillis(100));
            }
            stream.poll(Duration.ofMillis(100));
            return (MySqlOffset) stream.position();
        }
    }

    private static Pipeline pipeline(String name, MySqlSource source, MemorySink sink, InMemoryOffsetStore store) {
        return Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(20)).build();
    }

    private static void assertSinkEqualsSource(MariaDbDatabase db, MemorySink sink, String... tables)
            throws Exception {
        for (String table : tables) {
            TableId id = id(db, table);
            assertThat(Folded.fold(sink.durable(), id)).as(table).isEqualTo(IncrementalKeysIT.consistentSnapshot(db, id));
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

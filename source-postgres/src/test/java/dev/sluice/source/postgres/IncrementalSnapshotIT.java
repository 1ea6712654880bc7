package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapshotMode.INCREMENTAL: chunks by key interleaved with the stream, reconciled, resumable. */
@ExtendWith(PostgresExtension.class)
class IncrementalSnapshotIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static PipelineContext context() {
        return PipelineContext.of("incrpg_" + PgTests.uniqueName(), Clock.systemUTC());
    }

    private static PostgresSource.Builder incremental(PostgresDatabase db, int chunkSize) {
        return source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(chunkSize);
    }

    /** Polls until the snapshot is complete (the position carries no progress any more). */
    private static List<ChangeEvent> untilSnapshotDone(ChangeStream stream) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (stream.position() == null || ((PgOffset) stream.position()).progress() != null) {
            assertThat(System.nanoTime()).as("snapshot done in time").isLessThan(deadline);
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        return events;
    }

    /** The source's tables as a consistent one-shot read sees them (the same value parsers as the stream). */
    private static TableState sourceState(PostgresDatabase db, TableFilter tables) throws InterruptedException {
        PostgresSource reader = source(db).tables(tables).snapshotMode(SnapshotMode.INITIAL_ONLY).build();
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = reader.open(null, context())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!stream.isFinished()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        return TableState.of(events);
    }

    private static Map<String, Long> count(List<ChangeEvent> events, Op op) {
        return events.stream().filter(e -> e.op() == op)
                .collect(Collectors.groupingBy(e -> e.table().name(), Collectors.counting()));
    }

    @Test
    void everyKeyKindIsReadExactlyOnceInSmallChunks(PostgresDatabase db) throws Exception {
        db.execute("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                "CREATE TABLE k_int (id int PRIMARY KEY, v text)",
                "INSERT INTO k_int SELECT i, 'v' || i FROM generate_series(-20, 40) i",
                "CREATE TABLE k_bigint (id bigint PRIMARY KEY, v text)",
                "INSERT INTO k_bigint SELECT i * 100000000007, 'v' || i FROM generate_series(-30, 30) i",
                "CREATE TABLE k_ci (id varchar(20) COLLATE ci PRIMARY KEY, v int)",
                "INSERT INTO k_ci SELECT CASE WHEN i % 2 = 0 THEN upper(w) ELSE w END, i FROM"
                        + " (SELECT i, chr(97 + i % 26) || chr(97 + i / 26) || 'x' AS w FROM generate_series(0, 60) i) s",
                "CREATE TABLE k_dec (id numeric(14,4) PRIMARY KEY, v text)",
                "INSERT INTO k_dec SELECT i / 7.0, 'v' || i FROM generate_series(-25, 35) i",
                "CREATE TABLE k_bytea (id bytea PRIMARY KEY, v int)",
                "INSERT INTO k_bytea SELECT decode(lpad(to_hex(i * 37), 4, '0'), 'hex'), i FROM generate_series(0, 60) i",
                "INSERT INTO k_bytea VALUES ('\\x', -1), ('\\x00', -2), ('\\x000000', -3), ('\\xff', -4)",
                "CREATE TABLE k_uuid (id uuid PRIMARY KEY, v int)",
                "INSERT INTO k_uuid SELECT md5(i::text)::uuid, i FROM generate_series(1, 60) i",
                "CREATE TABLE k_ts (id timestamp(6) PRIMARY KEY, v int)",
                "INSERT INTO k_ts SELECT timestamp '2024-02-29 23:59:59.999999' + i * interval '0.000001 s', i"
                        + " FROM generate_series(-30, 30) i",
                "CREATE TABLE k_tstz (id timestamptz(3) PRIMARY KEY, v int)",
                "INSERT INTO k_tstz SELECT timestamptz '1999-12-31 23:59:59.5+00' + i * interval '0.001 s', i"
                        + " FROM generate_series(-30, 30) i",
                "CREATE TABLE k_comp (a int, b text COLLATE ci, c date, v int, PRIMARY KEY (a, b, c))",
                "INSERT INTO k_comp SELECT i % 3, CASE WHEN i % 2 = 0 THEN 'B' ELSE 'a' END || (i % 5),"
                        + " date '2000-01-01' + i, i FROM generate_series(0, 60) i",
                "CREATE TABLE k_char (id char(4) PRIMARY KEY, v int)",
                "INSERT INTO k_char SELECT left(chr(65 + i % 26) || i, 4), i FROM generate_series(0, 60) i");
        TableFilter keyed = TableFilter.include("public.k_*");
        TableState expected = sourceState(db, keyed);
        assertThat(expected.tables()).hasSize(10);

        List<ChangeEvent> events;
        try (ChangeStream stream = incremental(db, 7).tables(keyed).build().open(null, context())) {
            events = untilSnapshotDone(stream);
        }
        Map<String, Long> reads = count(events, Op.READ);
        expected.tables().forEach((table, rows) -> assertThat(reads.get(table.substring("public.".length())))
                .as("rows of %s, each read once", table).isEqualTo(rows.size()));
        assertThat(count(events, Op.TRUNCATE)).as("one TRUNCATE per table").hasSize(10).containsOnlyKeys(
                reads.keySet()).allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        assertThat(TableState.of(events).tables()).isEqualTo(expected.tables());
        // tables in name order, each TRUNCATE before its rows
        List<String> order = events.stream().filter(e -> e.op() == Op.TRUNCATE).map(e -> e.table().name()).toList();
        assertThat(order).isSorted();
    }

    @Test
    void writesDuringTheSnapshotEndInTheSourceState(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE w (id int PRIMARY KEY, v int, s text)",
                "INSERT INTO w SELECT i, i, 'r' || i FROM generate_series(1, 1500) i",
                "CREATE TABLE w2 (a int, b text, v int, PRIMARY KEY (a, b))",
                "INSERT INTO w2 SELECT i / 10, 'k' || (i % 10), i FROM generate_series(1, 600) i");
        PostgresSource source = incremental(db, 7).tables(TableFilter.include("public.w*")).build();
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        String name = context().pipelineName();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(db, stop, writes), "incrpg-writer");
        writer.start();
        CatchUpReport first;
        try {
            first = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                    .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(first.caughtUp()).isTrue();
        assertThat(writes.get()).as("writes while the snapshot ran").isGreaterThan(100);
        CatchUpReport second = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
        assertThat(second.caughtUp()).isTrue();
        assertThat(TableState.of(sink.durable()).tables()).isEqualTo(
                sourceState(db, TableFilter.include("public.w*")).tables());
        assertThat(((PgOffset) store.load(name).map(source::decodeOffset).orElseThrow()).progress())
                .as("the snapshot is complete").isNull();
    }

    /** Updates, deletes, inserts and key changes on the rows being read, until told to stop. */
    private static void write(PostgresDatabase db, AtomicBoolean stop, AtomicLong writes) {
        Random random = new Random(21);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(1800);
                String sql = switch (random.nextInt(6)) {
                    case 0 -> "UPDATE w SET v = v + 1, s = s || 'u' WHERE id = " + id;
                    case 1 -> "DELETE FROM w WHERE id = " + id;
                    case 2 -> "INSERT INTO w VALUES (" + id + ", -1, 'i') ON CONFLICT (id) DO UPDATE SET v = -2";
                    case 3 -> "UPDATE w SET id = " + (2000 + random.nextInt(100_000)) + " WHERE id = " + id;
                    case 4 -> "UPDATE w2 SET v = v + 1, b = b || 'x' WHERE a = " + id % 60 + " AND b = 'k"
                            + id % 10 + "'";
                    default -> "BEGIN; UPDATE w SET v = 0 WHERE id = " + id + "; DELETE FROM w2 WHERE a = "
                            + id % 60 + "; COMMIT";
                };
                try {
                    s.execute(sql);
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) { // a key change onto a key that exists
                        throw e;
                    }
                    s.execute("ROLLBACK");
                }
                Thread.sleep(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closedMidSnapshotResumesAfterTheLastRowWithoutTruncatingAgain(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY, v text)",
                "INSERT INTO a SELECT i, 'a' || i FROM generate_series(1, 400) i",
                "CREATE TABLE b (id int PRIMARY KEY, v text)",
                "INSERT INTO b SELECT i, 'b' || i FROM generate_series(1, 300) i");
        PostgresSource source = incremental(db, 20).build();
        PipelineContext context = context();
        List<ChangeEvent> before = new ArrayList<>();
        try (ChangeStream stream = source.open(null, context)) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (count(before, Op.READ).getOrDefault("b", 0L) < 100) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                before.addAll(stream.poll(Duration.ofMillis(100)));
            }
            // progress: table b of the two, every row emitted so far, and the planner's estimate once analyzed
            SnapshotStatus status = stream.snapshotStatus();
            assertThat(status.table()).isEqualTo(TableId.of("public", "b"));
            assertThat(status.tablesDone()).isEqualTo(1);
            assertThat(status.tablesTotal()).isEqualTo(2);
            assertThat(status.rowsRead()).isEqualTo(before.stream().filter(e -> e.op() == Op.READ).count());
        } // stops in the middle of table b; the sink made everything so far durable
        db.execute("DELETE FROM b WHERE id = 300", "UPDATE b SET v = 'changed' WHERE id = 1",
                "UPDATE a SET v = 'changed' WHERE id = 2");
        PgOffset stored = (PgOffset) before.get(before.size() - 1).offset();
        assertThat(stored.progress().table().name()).isEqualTo("b");
        assertThat(stored.encode()).contains(",chunk=");

        db.execute("ANALYZE a", "ANALYZE b");
        List<ChangeEvent> after;
        try (ChangeStream stream = source.open(source.decodeOffset(stored.encode()), context)) {
            // resumed: the rows read before count, and the estimate (after ANALYZE) is the tables' rows
            SnapshotStatus resumed = stream.snapshotStatus();
            assertThat(resumed.rowsRead()).isEqualTo(stored.progress().rows());
            assertThat(resumed.rowsEstimated()).isEqualTo(400 + 299);
            after = untilSnapshotDone(stream);
            assertThat(stream.snapshotStatus()).as("complete").isNull();
        }
        assertThat(after).filteredOn(e -> e.op() == Op.TRUNCATE).as("no table is truncated again").isEmpty();
        long reads = before.stream().filter(e -> e.op() == Op.READ).count()
                + after.stream().filter(e -> e.op() == Op.READ).count();
        assertThat(reads).as("rows read in total").isLessThan((long) (700 * 1.2));
        List<ChangeEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(TableState.of(all).tables()).isEqualTo(sourceState(db, TableFilter.all()).tables());
    }

    @Test
    void aSinkFailureMidSnapshotResumesFromTheCommittedOffset(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE f (id bigint PRIMARY KEY, v text)",
                "INSERT INTO f SELECT i, 'f' || i FROM generate_series(1, 3000) i");
        PostgresSource source = incremental(db, 50).build();
        MemorySink sink = new MemorySink().failWriteOnce(6).failWriteOnce(15);
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        CatchUpReport report = Pipeline.builder().name(context().pipelineName()).source(source).sink(sink)
                .offsetStore(store).commitInterval(Duration.ofMillis(20)).batchSize(100)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build().runUntilCaughtUp();
        assertThat(report.caughtUp()).isTrue();
        assertThat(sink.opens()).as("the engine recovered twice").isEqualTo(3);
        List<ChangeEvent> durable = sink.durable();
        assertThat(durable).filteredOn(e -> e.op() == Op.TRUNCATE).hasSize(1);
        assertThat(durable).filteredOn(e -> e.op() == Op.READ).hasSizeBetween(3000, (int) (3000 * 1.2));
        assertThat(TableState.of(durable).tables()).isEqualTo(sourceState(db, TableFilter.all()).tables());
    }

    @Test
    void aPositionMidSnapshotCarriesTheProgress(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE p (id int PRIMARY KEY)", "INSERT INTO p SELECT generate_series(1, 100)",
                "CREATE TABLE other (id int PRIMARY KEY)");
        PostgresSource source = incremental(db, 10).tables(TableFilter.include("public.p")).build();
        try (ChangeStream stream = source.open(null, context())) {
            List<ChangeEvent> events = new ArrayList<>();
            while (events.stream().noneMatch(e -> e.op() == Op.READ)) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            PgOffset last = (PgOffset) events.get(events.size() - 1).offset();
            db.execute("INSERT INTO other VALUES (1)"); // WAL the stream reads past, no event of its own
            PgOffset position = (PgOffset) stream.position();
            assertThat(position.progress()).as("the position carries the progress").isEqualTo(last.progress());
            assertThat(position.covers(last)).isTrue();
            assertThat(position.covers(PgOffset.stream(position.lsn(), 0)))
                    .as("an offset mid-snapshot covers no offset without progress").isFalse();
            assertThat(PgOffset.decode(position.encode())).isEqualTo(position);
        }
    }

    @Test
    void aKeylessTableIsRefusedWithTheFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE keyed (id int PRIMARY KEY)", "CREATE TABLE loose (v int)",
                "ALTER TABLE loose REPLICA IDENTITY FULL");
        PostgresSource source = incremental(db, 10).build();
        assertThatThrownBy(() -> source.open(null, context()).close()).isInstanceOf(FatalException.class)
                .hasMessageContaining("public.loose").hasMessageContaining("add a primary key")
                .hasMessageContaining("SnapshotMode.INITIAL");
    }

    @Test
    void aColumnAddedMidSnapshotLeavesNoRowOfTheOldShapeAfterIt(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE s (id int PRIMARY KEY, v text)",
                "INSERT INTO s SELECT i, 's' || i FROM generate_series(1, 500) i");
        PostgresSource source = incremental(db, 10).build();
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source.open(null, context())) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (count(events, Op.READ).getOrDefault("s", 0L) < 100) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            db.execute("ALTER TABLE s ADD COLUMN extra int DEFAULT 7", "UPDATE s SET v = 'after' WHERE id = 400");
            events.addAll(untilSnapshotDone(stream));
            while (!TableState.of(events).tables().get("public.s").getOrDefault("400", "").equals("400|after|7")) {
                assertThat(System.nanoTime()).as("the update arrived in time").isLessThan(deadline);
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        int firstNew = -1;
        for (int i = 0; i < events.size() && firstNew < 0; i++) {
            if (events.get(i).schema().size() == 3) {
                firstNew = i;
            }
        }
        assertThat(firstNew).as("events of the new shape").isPositive();
        assertThat(events.subList(firstNew, events.size())).as("no row of the old shape after the change")
                .allSatisfy(e -> assertThat(e.schema().size()).isEqualTo(3));
        assertThat(TableState.of(events).tables()).isEqualTo(sourceState(db, TableFilter.all()).tables());
    }

    @Test
    void aChunkWhoseTableChangesColumnsInsideItsWindowIsReadAgainInTheNewShape(PostgresDatabase db)
            throws Exception {
        for (boolean withUpdate : new boolean[] {false, true}) {
            String table = withUpdate ? "cu" : "cc";
            db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)",
                    "INSERT INTO " + table + " SELECT i, 'c' || i FROM generate_series(1, 100) i");
            PostgresSource source = incremental(db, 10).tables(TableFilter.include("public." + table))
                    .tableCheckInterval(Duration.ofMillis(200)).build();
            Map<String, String> expected = null;
            List<ChangeEvent> after = new ArrayList<>();
            List<ChangeEvent> all = new ArrayList<>();
            AtomicBoolean altered = new AtomicBoolean();
            try (ChangeStream stream = source.open(null, context())) {
                ((PgChangeStream) stream).afterChunkRead(() -> {
                    if (all.size() > 30 && altered.compareAndSet(false, true)) {
                        // the DDL commits after the chunk's read and before its high watermark
                        db.execute("ALTER TABLE " + table + " ADD COLUMN extra int DEFAULT 7");
                        if (withUpdate) {
                            db.execute("UPDATE " + table + " SET v = 'u' WHERE id = 99");
                        }
                    }
                });
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (stream.position() == null || ((PgOffset) stream.position()).progress() != null) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    List<ChangeEvent> polled = stream.poll(Duration.ofMillis(100));
                    all.addAll(polled);
                    if (altered.get()) {
                        after.addAll(polled);
                    }
                }
                // rows emitted before the DDL have the old shape: the table's one-shot re-read replaces them
                expected = sourceState(db, TableFilter.include("public." + table)).tables().get("public." + table);
                while (!expected.equals(TableState.of(all).tables().get("public." + table))) {
                    assertThat(System.nanoTime()).as("the table read again in time").isLessThan(deadline);
                    all.addAll(stream.poll(Duration.ofMillis(100)));
                }
            }
            assertThat(altered).isTrue();
            assertThat(after).filteredOn(e -> e.op() == Op.READ).as("rows read after the change, %s", table)
                    .isNotEmpty().allSatisfy(e -> assertThat(e.schema().size()).isEqualTo(3));
            assertThat(TableState.of(all).tables().get("public." + table)).isEqualTo(expected);
        }
    }
}

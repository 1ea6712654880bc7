package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.FlakyOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A restart in the middle of a large transaction neither repeats nor skips rows. */
@ExtendWith(MariaDbExtension.class)
class CrashRestartIT {

    private static final int ROWS = 3000;

    @Test
    void resumesInTheMiddleOfALargeTransactionAtTheNextRow(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, payload varchar(200))",
                "CREATE TABLE other (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER)
                .tables(TableFilter.include(db.name() + ".*").exclude(db.name() + ".other")).build();
        ChangeStream first = source.open(null, Streams.CONTEXT);
        List<ChangeEvent> before;
        try {
            writeLargeTransaction(db);
            before = Streams.pollUntil(first, e -> e.size() >= 1200);
        } finally {
            first.close(); // a crash: whatever was read after the 1000th row is lost
        }
        ChangeEvent thousandth = before.get(999);
        assertThat(thousandth.after().get(0)).isEqualTo(1000);
        MySqlOffset offset = (MySqlOffset) source.decodeOffset(thousandth.offset().encode());
        assertThat(offset.rows()).as("rows of the transaction (other's included) before the 1000th of big's")
                .isGreaterThan(1000);

        ChangeStream second = source.open(offset, Streams.CONTEXT);
        try {
            List<ChangeEvent> after = Streams.pollUntil(second, e -> !e.isEmpty()
                    && (Integer) e.get(e.size() - 1).after().get(0) == ROWS);
            assertThat(after).extracting(e -> e.after().get(0))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1001, ROWS).boxed().toList());
            assertThat(after).allMatch(e -> e.op() == Op.INSERT && e.after().get(1).equals("row " + e.after().get(0)));
            assertThat(after.get(0).transactionId()).isEqualTo(thousandth.transactionId());
            // once past the commit, the position is after the whole transaction
            second.poll(Duration.ofMillis(300));
            assertThat(second.position().covers(after.get(after.size() - 1).offset())).isTrue();
            assertThat(((MySqlOffset) second.position()).position()).isGreaterThan(offset.position());
        } finally {
            second.close();
        }
    }

    @Test
    void pipelineRecoveringMidTransactionDeliversEveryCommittedRowOnceByOffset(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, payload varchar(200))",
                "CREATE TABLE other (id int PRIMARY KEY)");
        MemorySink sink = new MemorySink().failWriteOnce(8).failWriteOnce(15).failWriteOnce(23);
        FlakyOffsetStore offsets = new FlakyOffsetStore();
        MySqlSource source = Streams.source(db)
                .tables(TableFilter.include(db.name() + ".*").exclude(db.name() + ".other")).build();
        try (Pipeline pipeline = Pipeline.builder().name("crash-it").source(source).sink(sink).offsetStore(offsets)
                .batchSize(100).commitInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(10),
                        Duration.ofMillis(50)).build()) {
            pipeline.start();
            // the (empty) snapshot is done once a binlog position is committed
            waitFor(() -> offsets.saved().stream().anyMatch(o -> o.startsWith("mysql:binlog:")));
            writeLargeTransaction(db);
            waitFor(() -> sink.durable().stream().anyMatch(e -> e.after() != null
                    && Integer.valueOf(ROWS).equals(e.after().get(0))));
        }
        assertThat(sink.opens()).as("the sink failed and recovered").isGreaterThan(1);
        assertThat(offsets.saved()).as("an offset inside the transaction was committed")
                .anyMatch(o -> o.startsWith("mysql:binlog:") && !o.matches(".*:0(;.*)?"));

        Map<String, Object> idByOffset = new HashMap<>();
        for (ChangeEvent event : sink.durable()) {
            if (event.op() == Op.TRUNCATE) {
                continue; // the (empty) snapshot's, before its reads
            }
            Object previous = idByOffset.putIfAbsent(event.offset().encode(), event.after().get(0));
            assertThat(previous).as("a redelivered offset carries the same row").isIn(null, event.after().get(0));
        }
        List<Object> ids = new ArrayList<>(idByOffset.values());
        ids.sort(null);
        assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, ROWS).boxed().map(Object.class::cast)
                .toList());
    }

    /** Rows 1..3000 of big in one transaction, in multi-row statements, with rows of another table between. */
    private static void writeLargeTransaction(MariaDbDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int start = 1; start <= ROWS; start += 100) {
                StringBuilder sql = new StringBuilder("INSERT INTO big VALUES ");
                for (int id = start; id < start + 100; id++) {
                    sql.append(id == start ? "" : ", ").append("(").append(id).append(", 'row ").append(id).append("')");
                }
                s.execute(sql.toString());
                s.execute("INSERT INTO other VALUES (" + start + "), (" + (start + 1) + ")");
            }
            c.commit();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files rotate by rows, bytes, age, schema and memory; many tables and partitions at once. */
class RotationIT {

    @TempDir
    Path lake;

    private static List<ChangeEvent> items(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(n -> TestEvents.item(Op.INSERT, n, n, TestEvents.T0)).toList();
    }

    private List<Path> files(String folder) throws Exception {
        try (Stream<Path> files = Files.walk(lake.resolve(folder))) {
            return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    private static long rowsIn(Path file) throws Exception {
        return (Long) Duck.query("SELECT count(*) FROM read_parquet('" + file + "')").get(0).get(0);
    }

    @Test
    void rotatesByRows() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).maxFileRows(4).partitionBy(Partitioning.NONE)
                .build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 10));
        sink.close();
        List<Path> files = files("mem/items");
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "part-00000000000000000001-p-1.parquet", "part-00000000000000000005-p-1.parquet",
                "part-00000000000000000009-p-1.parquet");
        List<Long> counts = new ArrayList<>();
        for (Path file : files) {
            counts.add(rowsIn(file));
        }
        assertThat(counts).containsExactly(4L, 4L, 2L);
        assertThat(Duck.query("SELECT min(id), max(id), count(DISTINCT _seq) FROM " + Duck.all(lake)))
                .containsExactly(List.of(1L, 10L, 10L));
    }

    @Test
    void rotatesByBytesNearTheLimit() throws Exception {
        long limit = 64 << 10;
        ParquetSink sink = ParquetSink.builder().localFolder(lake).maxFileBytes(limit).rowGroupSize(64 << 10)
                .pageSize(8 << 10).compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        TableId table = TableId.of("mem", "blobs");
        Schema schema = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("payload", Type.BYTES)
                .key("id").build();
        List<ChangeEvent> events = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (long n = 1; n <= 300; n++) {
            byte[] payload = new byte[1000];
            random.nextBytes(payload); // incompressible
            events.add(ChangeEvent.builder(Op.INSERT, table, schema).after(Row.of(n, payload))
                    .offset(new TestEvents.N(n)).commitTime(TestEvents.T0).build());
        }
        Runs.commit(sink, "p", events);
        sink.close();
        List<Path> files = files("mem/blobs");
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        for (Path file : files.subList(0, files.size() - 1)) {
            // closed once its size reached the limit: at most one row group's worth of slack
            assertThat(Files.size(file)).isBetween(limit, 2 * limit);
        }
        assertThat(Duck.query("SELECT count(*), sum(octet_length(payload))::BIGINT FROM " + Duck.all(lake)))
                .containsExactly(List.of(300L, 300_000L));
    }

    @Test
    void rotatesByAgeOnTheContextClock() throws Exception {
        MutableClock clock = new MutableClock();
        ParquetSink sink = ParquetSink.builder().localFolder(lake).maxFileAge(Duration.ofMinutes(5))
                .partitionBy(Partitioning.NONE).build();
        Runs.store(sink).load("p");
        sink.open(PipelineContext.of("p", clock).withExactlyOnce());
        sink.write(items(1, 2));
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        sink.write(items(3, 3)); // 3 minutes old: stays open
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        sink.write(items(4, 4)); // 6 minutes: closed after this event
        sink.write(items(5, 5));
        sink.flush();
        Runs.store(sink).save("p", "test:5");
        sink.close();
        assertThat(files("mem/items")).extracting(p -> p.getFileName().toString()).containsExactly(
                "part-00000000000000000001-p-1.parquet", "part-00000000000000000005-p-1.parquet");
    }

    @Test
    void aSchemaChangeStartsANewFile() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        Schema v2 = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("name", Type.STRING)
                .column("price", Type.decimal(10, 2)).key("id").build();
        ChangeEvent changed = ChangeEvent.builder(Op.INSERT, TestEvents.ITEMS, v2)
                .after(Row.of(3L, "three", new java.math.BigDecimal("9.99"))).offset(new TestEvents.N(3))
                .commitTime(TestEvents.T0).build();
        List<ChangeEvent> events = new ArrayList<>(items(1, 2));
        events.add(changed);
        events.add(ChangeEvent.builder(Op.DELETE, TestEvents.ITEMS, v2).before(Row.of(1L, null, null))
                .offset(new TestEvents.N(4)).commitTime(TestEvents.T0).build());
        Runs.commit(sink, "p", events);
        sink.close();
        List<Path> files = files("mem/items");
        assertThat(files).hasSize(2);
        assertThat(Duck.query("DESCRIBE SELECT * FROM read_parquet('" + files.get(0) + "')"))
                .extracting(r -> r.get(0)).doesNotContain("price");
        assertThat(Duck.query("SELECT id, name, price::VARCHAR, _op FROM read_parquet('" + files.get(1)
                + "') ORDER BY _seq")).containsExactly(List.of(3L, "three", "9.99", "c"),
                java.util.Arrays.asList(1L, null, null, "d"));
        // read together by name: the old file's rows have no price
        assertThat(Duck.query("SELECT count(*), count(price) FROM " + Duck.all(lake)))
                .containsExactly(List.of(4L, 1L));
    }

    @Test
    void manyTablesAndPartitionsAtOnce() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.HOUR).build();
        Runs.open(sink, "p");
        Schema schema = TestEvents.ITEMS_SCHEMA;
        List<ChangeEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2024-02-29T22:30:00Z");
        for (long n = 1; n <= 2000; n++) {
            // 50 tables (2 namespaces x 25 names), each spanning 3 hours
            TableId table = TableId.of(n % 2 == 0 ? "east" : "west", "t_" + n % 25);
            events.add(ChangeEvent.builder(Op.INSERT, table, schema).after(Row.of(n, "v" + n))
                    .offset(new TestEvents.N(n)).commitTime(start.plusSeconds(n * 3)).build());
        }
        Runs.commit(sink, "p", events);
        sink.close();
        assertThat(Files.isDirectory(lake.resolve("east/t_0/_date=2024-02-29/_hour=23"))).isTrue();
        assertThat(Files.isDirectory(lake.resolve("west/t_1/_date=2024-03-01/_hour=00"))).isTrue();
        assertThat(Duck.query("SELECT count(*), count(DISTINCT id), count(DISTINCT _seq),"
                + " count(DISTINCT filename) FROM read_parquet('" + lake + "/**/*.parquet', filename=true)"))
                .containsExactly(List.of(2000L, 2000L, 2000L, 50L * 3));
        long midnightHour = LongStream.rangeClosed(1, 2000)
                .filter(n -> start.plusSeconds(n * 3).atZone(ZoneOffset.UTC).getHour() == 0).count();
        assertThat(Duck.query("SELECT count(*) FROM read_parquet('" + lake + "/**/*.parquet', hive_partitioning=true)"
                + " WHERE _date = DATE '2024-03-01' AND _hour = 0")).containsExactly(List.of(midnightHour));
    }

    @Test
    void theMemoryBudgetClosesFilesEarlyAndAsksForACommit() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).memoryBudget(1 << 20).rowGroupSize(64L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        TableId table = TableId.of("mem", "big");
        Schema schema = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("s", Type.STRING)
                .key("id").build();
        List<ChangeEvent> events = new ArrayList<>();
        for (long n = 1; n <= 3000; n++) {
            events.add(ChangeEvent.builder(Op.INSERT, table, schema).after(Row.of(n, "x".repeat(900) + n))
                    .offset(new TestEvents.N(n)).commitTime(TestEvents.T0).build());
        }
        assertThat(sink.wantsFlush()).isFalse();
        sink.write(events); // ~2.7 MB of row groups against a 1 MiB budget
        assertThat(sink.wantsFlush()).isTrue();
        sink.flush();
        Runs.store(sink).save("p", "test:3000");
        assertThat(sink.wantsFlush()).isFalse();
        sink.close();
        assertThat(files("mem/big")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Duck.query("SELECT count(*), count(DISTINCT _seq) FROM " + Duck.all(lake)))
                .containsExactly(List.of(3000L, 3000L));
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-06-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

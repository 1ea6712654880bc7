package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MB-sized values: the heap held by open files stays within the budget, whatever the batch size. */
class MemoryBoundIT {

    private static final TableId BLOBS = TableId.of("mem", "blobs");
    private static final Schema SCHEMA = Schema.builder().column(Column.of("id", Type.INT64).notNull())
            .column("payload", Type.BYTES).key("id").build();
    private static final int VALUE = 2 << 20;

    @TempDir
    Path lake;

    private static List<ChangeEvent> blobs(int count) {
        Random random = new Random(5);
        List<ChangeEvent> events = new ArrayList<>();
        for (long n = 1; n <= count; n++) {
            byte[] payload = new byte[VALUE];
            random.nextBytes(payload); // incompressible
            events.add(ChangeEvent.builder(Op.INSERT, BLOBS, SCHEMA).after(Row.of(n, payload))
                    .offset(new TestEvents.N(n)).commitTime(TestEvents.T0).build());
        }
        return events;
    }

    private List<List<Object>> rowsPerFile() throws Exception {
        return Duck.query("SELECT count(*) FROM read_parquet('" + lake + "/mem/blobs/**/*.parquet', filename = true)"
                + " GROUP BY filename ORDER BY min(id)");
    }

    @Test
    void mbSizedValuesInOneBatchAreBoundedByTheMemoryBudget() throws Exception {
        // 24 values of 2 MiB in one write: with an 8 MiB budget no open file may buffer more than ~4 of them
        ParquetSink sink = ParquetSink.builder().localFolder(lake).memoryBudget(8L << 20).rowGroupSize(512L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        List<ChangeEvent> events = blobs(24);
        sink.write(events);
        assertThat(sink.wantsFlush()).isTrue();
        sink.flush();
        Runs.store(sink).save("p", "test:24");
        sink.close();
        assertThat(rowsPerFile()).allSatisfy(r -> assertThat((Long) r.get(0)).isLessThanOrEqualTo(5L));
        assertThat(Duck.query("SELECT count(*), sum(octet_length(payload))::BIGINT FROM read_parquet('" + lake
                + "/mem/blobs/**/*.parquet')")).containsExactly(List.of(24L, 24L * VALUE));
    }

    @Test
    void rowGroupsOfMbSizedValuesCloseNearTheirTargetSize() throws Exception {
        // parquet-java's own first size check came after 100 rows: 200 MiB here, in one row group on the heap
        ParquetSink sink = ParquetSink.builder().localFolder(lake).memoryBudget(1L << 30).rowGroupSize(4L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", blobs(20));
        sink.close();
        List<List<Object>> groups = Duck.query("SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata('"
                + lake + "/mem/blobs/**/*.parquet') GROUP BY row_group_id ORDER BY row_group_id");
        assertThat(groups).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(g -> assertThat((Long) g.get(1)).isLessThanOrEqualTo(3L));
    }

    @Test
    void statisticsKeptForEachRowGroupOfMbSizedValuesCountAgainstTheMemoryBudget() throws Exception {
        // parquet-java's statistics keep each row group's smallest and largest value whole until the file ends:
        // with a row group per 2 MiB value, 4 MiB more heap per row, which the buffers alone did not show
        ParquetSink sink = ParquetSink.builder().localFolder(lake).memoryBudget(8L << 20).rowGroupSize(1L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        sink.write(blobs(24));
        assertThat(sink.wantsFlush()).isTrue();
        sink.flush();
        Runs.store(sink).save("p", "test:24");
        sink.close();
        assertThat(rowsPerFile()).hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(r -> assertThat((Long) r.get(0)).isLessThanOrEqualTo(3L));
        assertThat(Duck.query("SELECT count(*), sum(octet_length(payload))::BIGINT FROM read_parquet('" + lake
                + "/mem/blobs/**/*.parquet')")).containsExactly(List.of(24L, 24L * VALUE));
    }

    @Test
    void mbSizedValuesAfterARowWithoutValuesStillCloseRowGroupsNearTheirTargetSize() throws Exception {
        // a snapshot starts with its truncate row, which has no values: parquet-java's estimate of when to check
        // its sizes next, taken from that row, was thousands of rows away, and every value piled up in one page
        ParquetSink sink = ParquetSink.builder().localFolder(lake).memoryBudget(1L << 30).rowGroupSize(4L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        List<ChangeEvent> events = new ArrayList<>();
        events.add(ChangeEvent.builder(Op.TRUNCATE, BLOBS, SCHEMA).offset(new TestEvents.N(0))
                .commitTime(TestEvents.T0).build());
        events.addAll(blobs(20));
        Runs.commit(sink, "p", events);
        sink.close();
        List<List<Object>> groups = Duck.query("SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata('"
                + lake + "/mem/blobs/**/*.parquet') GROUP BY row_group_id ORDER BY row_group_id");
        assertThat(groups).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(g -> assertThat((Long) g.get(1)).isLessThanOrEqualTo(3L));
        assertThat(Duck.query("SELECT count(*), sum(octet_length(payload))::BIGINT FROM read_parquet('" + lake
                + "/mem/blobs/**/*.parquet') WHERE _op <> 't'")).containsExactly(List.of(20L, 20L * VALUE));
    }
}

package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What readers rebuild from the lake: the documented recipe (run verbatim from {@code docs/sink-s3.md}) over key
 * changes, deletes and truncates, and table columns named like partitions.
 */
class LakeStateIT {

    private static final TableId ORDERS = TableId.of("public", "orders");
    private static final Schema SCHEMA = Schema.builder().column(Column.of("id", Type.INT64).notNull())
            .column("name", Type.STRING).key("id").build();
    private static final Instant DAY1 = Instant.parse("2024-05-30T10:00:00Z");
    private static final Instant DAY2 = Instant.parse("2024-05-31T10:00:00Z");

    @TempDir
    Path lake;

    private long offset;

    private ChangeEvent insert(long id, String name, Instant at) {
        return ChangeEvent.builder(Op.INSERT, ORDERS, SCHEMA).after(Row.of(id, name))
                .offset(new TestEvents.N(++offset)).commitTime(at).transactionId("tx" + offset).build();
    }

    private ChangeEvent update(long oldId, long id, String name, Instant at) {
        return ChangeEvent.builder(Op.UPDATE, ORDERS, SCHEMA).before(Row.of(oldId, "old")).after(Row.of(id, name))
                .offset(new TestEvents.N(++offset)).commitTime(at).transactionId("tx" + offset).build();
    }

    private ChangeEvent delete(long id, Instant at) {
        return ChangeEvent.builder(Op.DELETE, ORDERS, SCHEMA).before(Row.of(id, null))
                .offset(new TestEvents.N(++offset)).commitTime(at).build();
    }

    private ChangeEvent truncate(Instant at) {
        return ChangeEvent.builder(Op.TRUNCATE, ORDERS, SCHEMA).offset(new TestEvents.N(++offset)).commitTime(at)
                .build();
    }

    /** The rebuild statement of docs/sink-s3.md, reading this lake's table folder instead of S3. */
    private String documentedRecipe() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "sink-s3.md"));
        Matcher block = Pattern.compile("```sql\n(-- rebuild:.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).as("the rebuild recipe in docs/sink-s3.md").isTrue();
        String documentedPath = "s3://my-lake/cdc/shop/public/orders/**/*.parquet";
        assertThat(block.group(1)).contains(documentedPath);
        return block.group(1).replace(documentedPath, lake.resolve("public/orders") + "/**/*.parquet");
    }

    @Test
    void theDocumentedRecipeRebuildsTheSourceStateThroughKeyChangesDeletesAndTruncates() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", List.of(insert(1, "a", DAY1), insert(2, "b", DAY1), insert(3, "c", DAY1),
                update(2, 2, "b2", DAY1)));
        // a truncate in its own commit, then rows that survive it in the next commits
        Runs.commit(sink, "p", List.of(truncate(DAY2)));
        Runs.commit(sink, "p", List.of(insert(4, "d", DAY2), insert(5, "e", DAY2), insert(6, "f", DAY2),
                insert(7, "g", DAY2)));
        Runs.commit(sink, "p", List.of(
                update(4, 40, "d40", DAY2),     // key change
                delete(5, DAY2),
                update(7, 5, "g-now-5", DAY2),  // a key change onto a deleted key
                update(6, 60, "f60", DAY2),
                update(60, 6, "f-back", DAY2),  // and back
                insert(8, "h", DAY2),
                delete(8, DAY2)));
        sink.close();

        assertThat(Duck.query(documentedRecipe())).containsExactly(
                List.of(5L, "g-now-5"), List.of(6L, "f-back"), List.of(40L, "d40"));
    }

    @Test
    void aKeyChangeIsADeleteOfTheOldKeyThenTheNewRowWithTheSamePosition() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", List.of(insert(1, "a", DAY1), update(1, 10, "a10", DAY1), update(10, 10, "a11", DAY1)));
        sink.close();
        assertThat(Duck.query("SELECT _seq, _op, id, name, _position, _tx FROM "
                + Duck.table(lake, "public", "orders") + " ORDER BY _seq")).containsExactly(
                List.of(1L, "c", 1L, "a", "test:1", "tx1"),
                List.of(2L, "d", 1L, "old", "test:2", "tx2"),
                List.of(3L, "u", 10L, "a10", "test:2", "tx2"),
                List.of(4L, "u", 10L, "a11", "test:3", "tx3"));
    }

    @Test
    void columnsNamedLikeTheDefaultPartitionsKeepTheirValuesUnderHivePartitioning() throws Exception {
        TableId table = TableId.of("public", "events");
        Schema schema = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("date", Type.DATE)
                .column("hour", Type.INT32).column("region", Type.STRING).key("id").build();
        for (Partitioning partitioning : List.of(Partitioning.DAY, Partitioning.HOUR, Partitioning.column("region"),
                Partitioning.column("date"))) {
            Path root = lake.resolve(partitioning.toString().replace('(', '_').replace(")", ""));
            ParquetSink sink = ParquetSink.builder().localFolder(root).partitionBy(partitioning).build();
            Runs.open(sink, "p");
            Runs.commit(sink, "p", List.of(ChangeEvent.builder(Op.INSERT, table, schema)
                    .after(Row.of(1L, LocalDate.of(1999, 1, 1), 42, "emea")).offset(new TestEvents.N(1))
                    .commitTime(DAY2).build()));
            sink.close();
            assertThat(Duck.query("SELECT id, date, hour, region FROM read_parquet('" + root
                    + "/public/events/**/*.parquet', hive_partitioning = true, union_by_name = true)"))
                    .as("read back under %s", partitioning)
                    .containsExactly(List.of(1L, LocalDate.of(1999, 1, 1), 42, "emea"));
        }
        assertThat(Duck.query("SELECT _date, _hour FROM read_parquet('" + lake.resolve("HOUR")
                + "/public/events/**/*.parquet', hive_partitioning = true)"))
                .containsExactly(List.of(LocalDate.of(2024, 5, 31), 10L));
    }

    @Test
    void aColumnNamedLikeAPartitionFolderIsRefusedWithAFix() {
        TableId table = TableId.of("public", "clash");
        Schema schema = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("_date", Type.DATE)
                .key("id").build();
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        List<ChangeEvent> events = new ArrayList<>(List.of(ChangeEvent.builder(Op.INSERT, table, schema)
                .after(Row.of(1L, LocalDate.of(1999, 1, 1))).offset(new TestEvents.N(1)).commitTime(DAY2).build()));
        assertThatThrownBy(() -> sink.write(events)).isInstanceOf(FatalException.class)
                .hasMessageContaining("table public.clash has a column named '_date'")
                .hasMessageContaining("Fix: rename the column, choose another partitionBy");
        sink.close();
    }
}

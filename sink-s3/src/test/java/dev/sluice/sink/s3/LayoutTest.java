package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.TableId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys, partitions and commit records: pure functions, no storage. */
class LayoutTest {

    @Test
    void namesBecomeSafePathSegments() {
        assertThat(Keys.segment("orders")).isEqualTo("orders");
        assertThat(Keys.segment("Order Items/2")).isEqualTo("Order%20Items%2F2");
        assertThat(Keys.segment("_hidden")).isEqualTo("%5Fhidden");
        assertThat(Keys.segment(".dot")).isEqualTo("%2Edot");
        assertThat(Keys.segment("straße")).isEqualTo("stra%C3%9Fe");
        assertThat(Keys.dataFile(TableId.of("public", "t"), "_date=2024-01-02", 42, "p", 3))
                .isEqualTo("public/t/_date=2024-01-02/part-00000000000000000042-p-3.parquet");
        assertThat(Keys.dataFile(TableId.of("public", "t"), "", 1, "p", 3)).isEqualTo("public/t/part-00000000000000000001-p-3.parquet");
    }

    @Test
    void dataFileNamesSortByPosition() {
        List<String> names = List.of(Keys.dataFile(TableId.of("a", "b"), "", 9, "p", 1),
                Keys.dataFile(TableId.of("a", "b"), "", 10, "p", 1), Keys.dataFile(TableId.of("a", "b"), "", 100, "p", 1));
        assertThat(names).isSorted();
    }

    @Test
    void partitionsUseTheUtcCommitTimeOrAColumnValue() {
        ChangeEvent event = TestEvents.item(Op.INSERT, 7, 7, Instant.parse("2024-12-31T23:30:00Z"));
        assertThat(Partitioning.DAY.path(event)).isEqualTo("_date=2024-12-31");
        assertThat(Partitioning.HOUR.path(event)).isEqualTo("_date=2024-12-31/_hour=23");
        assertThat(Partitioning.NONE.path(event)).isEmpty();
        assertThat(Partitioning.column("name").path(event)).isEqualTo("_name=item-7");
        assertThat(Partitioning.column("missing").path(event)).isEqualTo("_missing=__HIVE_DEFAULT_PARTITION__");
        ChangeEvent delete = ChangeEvent.builder(Op.DELETE, TestEvents.ITEMS, TestEvents.ITEMS_SCHEMA)
                .before(Row.of(8L, null)).offset(new TestEvents.N(8)).commitTime(Instant.EPOCH).build();
        assertThat(Partitioning.column("id").path(delete)).isEqualTo("_id=8");
        assertThat(Partitioning.column("name").path(delete)).isEqualTo("_name=__HIVE_DEFAULT_PARTITION__");
    }

    @Test
    void commitRecordsRoundTripThroughJson() {
        CommitRecord record = new CommitRecord(12, "p", "pg:0/16B3748|\"quoted\"\n", 1001,
                Instant.parse("2024-01-01T00:00:00.123Z"), List.of(new CommitRecord.DataFile("a/b/part-1.parquet",
                        "_sluice/p/staging/x.parquet.pending", "a.b", 10, 2048, 991, 1000)));
        CommitRecord back = CommitRecord.fromJson(record.toJson());
        assertThat(back).isEqualTo(record);
        CommitRecord reset = new CommitRecord(13, "p", null, 1001, Instant.EPOCH, List.of());
        assertThat(CommitRecord.fromJson(reset.toJson())).isEqualTo(reset);
        CommitRecord atLeastOnce = new CommitRecord(14, "p", null, 1001, Instant.EPOCH, List.of(), "h:1:ab", true);
        assertThat(CommitRecord.fromJson(atLeastOnce.toJson())).isEqualTo(atLeastOnce);
        assertThat(new String(atLeastOnce.toJson(), StandardCharsets.UTF_8))
                .contains("\"writer\":\"h:1:ab\"", "\"offsetElsewhere\":true");
    }

    @Test
    void damagedOrUnknownRecordsAreRefused() {
        assertThatThrownBy(() -> CommitRecord.fromJson("{\"format\":1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommitRecord.fromJson("{\"format\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("format 2");
        assertThatThrownBy(() -> CommitRecord.fromJson("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void decimalsUpToPrecision38AreParquetDecimalsWiderOnesText() {
        assertThat(ParquetSchemas.decimalBytes(19)).isEqualTo(9);
        assertThat(ParquetSchemas.decimalBytes(38)).isEqualTo(16);
        assertThat(ParquetSchemas.decimalAsText(dev.sluice.Type.decimal(38, 0))).isFalse();
        assertThat(ParquetSchemas.decimalAsText(dev.sluice.Type.decimal(39, 0))).isTrue();
        assertThat(ParquetSchemas.decimalAsText(dev.sluice.Type.decimal())).isTrue();
    }
}

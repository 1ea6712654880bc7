package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every logical type, written to a local folder and read back by DuckDB: column types, then values. */
class LogicalTypesIT {

    @TempDir
    Path lake;

    private void writeAllTypes(ParquetSink sink) {
        Runs.open(sink, "types");
        Object[] nulls = new Object[TestEvents.ALL_SCHEMA.size()];
        nulls[0] = 2L;
        Object[] updated = TestEvents.fullRow(3);
        updated[11] = null; // "s": unchanged, its value absent
        ChangeEvent update = ChangeEvent.builder(Op.UPDATE, TestEvents.ALL, TestEvents.ALL_SCHEMA)
                .before(Row.of(TestEvents.fullRow(3))).after(Row.of(updated)).unchanged(11)
                .offset(new TestEvents.N(3)).commitTime(TestEvents.T0).build();
        Object[] key = new Object[TestEvents.ALL_SCHEMA.size()];
        key[0] = 1L;
        ChangeEvent delete = ChangeEvent.builder(Op.DELETE, TestEvents.ALL, TestEvents.ALL_SCHEMA)
                .before(Row.of(key)).offset(new TestEvents.N(4)).commitTime(TestEvents.T0).build();
        Runs.commit(sink, "types", List.of(
                TestEvents.insert(1, 1),
                ChangeEvent.builder(Op.READ, TestEvents.ALL, TestEvents.ALL_SCHEMA).after(Row.of(nulls))
                        .offset(new TestEvents.N(2)).commitTime(TestEvents.T0).build(),
                update, delete, ChangeEvent.builder(Op.TRUNCATE, TestEvents.ALL, TestEvents.ALL_SCHEMA)
                        .offset(new TestEvents.N(5)).commitTime(TestEvents.T0).build()));
        sink.close();
    }

    @Test
    void columnsHaveTheLogicalTypesReadersExpect() throws SQLException {
        writeAllTypes(ParquetSink.builder().localFolder(lake).includeBeforeImage(true).build());
        Map<String, String> types = new LinkedHashMap<>();
        for (List<Object> row : Duck.query("DESCRIBE SELECT * FROM " + Duck.table(lake, "shop", "all_types"))) {
            types.put((String) row.get(0), (String) row.get(1));
        }
        assertThat(types).containsAllEntriesOf(Map.ofEntries(
                Map.entry("id", "BIGINT"), Map.entry("b", "BOOLEAN"), Map.entry("i16", "SMALLINT"),
                Map.entry("i32", "INTEGER"), Map.entry("f32", "FLOAT"), Map.entry("f64", "DOUBLE"),
                Map.entry("d_small", "DECIMAL(9,2)"), Map.entry("d_mid", "DECIMAL(18,6)"),
                Map.entry("d_big", "DECIMAL(38,10)"), Map.entry("d_huge", "VARCHAR"), Map.entry("d_free", "VARCHAR"),
                Map.entry("s", "VARCHAR"), Map.entry("raw", "BLOB"), Map.entry("day", "DATE"),
                Map.entry("t", "TIME"), Map.entry("ts", "TIMESTAMP"), Map.entry("tstz", "TIMESTAMP WITH TIME ZONE"),
                Map.entry("span", "STRUCT(\"months\" INTEGER, \"days\" INTEGER, micros BIGINT)"), Map.entry("u", "UUID"),
                Map.entry("mood", "VARCHAR"), Map.entry("tags", "VARCHAR[]"), Map.entry("matrix", "INTEGER[][]"),
                Map.entry("geo", "VARCHAR"), Map.entry("_op", "VARCHAR"),
                Map.entry("_commit_ts", "TIMESTAMP WITH TIME ZONE"), Map.entry("_position", "VARCHAR"),
                Map.entry("_seq", "BIGINT"), Map.entry("_tx", "VARCHAR"), Map.entry("_unchanged", "VARCHAR[]")));
        assertThat(types.get("j")).isEqualTo("JSON");
        assertThat(types.get("_date")).isEqualTo("DATE"); // the Hive partition, recognised as such
        assertThat(types.get("_before")).startsWith("STRUCT(id BIGINT, b BOOLEAN");
    }

    @Test
    void valuesReadBackExactly() throws SQLException {
        writeAllTypes(ParquetSink.builder().localFolder(lake).includeBeforeImage(true).build());
        List<List<Object>> rows = Duck.query("SELECT id, b, i16, i32, f32, f64, d_small::VARCHAR, d_mid::VARCHAR,"
                + " d_big::VARCHAR, d_huge, d_free, s, hex(raw), day::VARCHAR, t::VARCHAR,"
                + " strftime(ts, '%Y-%m-%d %H:%M:%S.%f'), epoch_us(tstz), span.months, span.days, span.micros,"
                + " u::VARCHAR, j::VARCHAR, mood, tags::VARCHAR, matrix::VARCHAR, geo, _op, epoch_us(_commit_ts),"
                + " _position, _seq, _tx FROM " + Duck.table(lake, "shop", "all_types") + " WHERE id = 1 AND _op = 'c'");
        assertThat(rows).containsExactly(List.of(1L, true, (short) -12345, 2_000_000_001, 1.5f, -2.25e300,
                "-1234567.89", "123456789012.345678", "-1234567890123456789012345678.0123456789",
                "1234567890123456789012345678901234567890123456789012345.12345",
                "3.14159265358979323846264338327950288419716939937510", "héllo 世界 🎉", "0001FF", "1969-07-20",
                "23:59:59.999999", "2024-03-31 02:30:00.123456", 1_711_848_600_654_321L, 14, -3, -3_723_000_001L,
                "123e4567-e89b-12d3-a456-426614174000", "{\"a\": [1, 2.50, \"x\"]}", "sad", "[a, NULL, c]",
                "[[1, 2], [], [3, NULL]]", "POINT(1 2)", "c", 1_717_199_998_123_456L, "test:1", 1L, "tx-1"));
    }

    @Test
    void nullsDeletesAndUnchangedColumnsAreVisible() throws SQLException {
        writeAllTypes(ParquetSink.builder().localFolder(lake).includeBeforeImage(true).build());
        String table = Duck.table(lake, "shop", "all_types");
        // a snapshot row of nulls: every value column null
        assertThat(Duck.query("SELECT _op, b, d_big, s, span, tags, _tx, _unchanged, _before FROM " + table
                + " WHERE id = 2")).containsExactly(java.util.Arrays.asList("r", null, null, null, null, null, null,
                null, null));
        // an update whose "s" the source did not have: null, and named in _unchanged; the before image has it
        assertThat(Duck.query("SELECT _op, s, _unchanged::VARCHAR, _before.s, _before.i32, i32 FROM " + table
                + " WHERE id = 3")).containsExactly(java.util.Arrays.asList("u", null, "[s]", "héllo 世界 🎉",
                2_000_000_003, 2_000_000_003));
        // a truncate: a row of nulls but its metadata
        assertThat(Duck.query("SELECT id, s, _op, _seq, _position FROM " + table + " WHERE _op = 't'"))
                .containsExactly(java.util.Arrays.asList(null, null, "t", 5L, "test:5"));
        // a delete carries the key, the rest null
        assertThat(Duck.query("SELECT _op, b, s, _seq FROM " + table + " WHERE id = 1 ORDER BY _seq"))
                .containsExactly(List.of("c", true, "héllo 世界 🎉", 1L), java.util.Arrays.asList("d", null, null, 4L));
    }

    @Test
    void decimalsKeepEveryDigitInEveryForm() throws SQLException {
        writeAllTypes(ParquetSink.builder().localFolder(lake).build());
        List<List<Object>> rows = Duck.query("SELECT d_small, d_mid, d_big FROM " + Duck.table(lake, "shop",
                "all_types") + " WHERE id = 1 AND _op = 'c'");
        assertThat(rows.get(0)).containsExactly(new BigDecimal("-1234567.89"), new BigDecimal("123456789012.345678"),
                new BigDecimal("-1234567890123456789012345678.0123456789"));
    }

    @Test
    void anInstantBeyondSixtyFourBitMicrosecondsStopsTheSinkNamingTheColumn() {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "far");
        Object[] row = TestEvents.fullRow(1);
        Instant far = Instant.MAX.truncatedTo(ChronoUnit.MICROS);
        row[16] = far; // tstz
        ChangeEvent event = ChangeEvent.builder(Op.INSERT, TestEvents.ALL, TestEvents.ALL_SCHEMA).after(Row.of(row))
                .offset(new TestEvents.N(1)).commitTime(TestEvents.T0).build();
        try {
            assertThatThrownBy(() -> Runs.commit(sink, "far", List.of(event))).isInstanceOf(FatalException.class)
                    .hasMessageContaining("column tstz").hasMessageContaining(far.toString());
        } finally {
            sink.close();
        }
    }

    @Test
    void microsecondsAreExactAtBothEndsOfTheLong() {
        Instant smallest = Instant.ofEpochSecond(Long.MIN_VALUE / 1_000_000 - 1,
                1_000 * (1_000_000 + Long.MIN_VALUE % 1_000_000));
        assertThat(EventWriteSupport.micros(smallest)).isEqualTo(Long.MIN_VALUE);
        Instant largest = Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000, 1_000 * (Long.MAX_VALUE % 1_000_000));
        assertThat(EventWriteSupport.micros(largest)).isEqualTo(Long.MAX_VALUE);
        assertThat(EventWriteSupport.micros(Instant.ofEpochSecond(-1, 999_999_000))).isEqualTo(-1);
    }
}

package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Values at the edges of what each target holds, written and read back exactly: 65-digit decimals, unsigned BIGINT
 * max (a decimal(20,0), as the MySQL source maps it) into PostgreSQL, timestamps not shifted at the ends of the
 * range and inside a DST gap, 4-byte UTF-8, empty versus NULL, every byte value, JSON.
 */
final class EdgeValueScenarios {

    static final Schema EDGES = Schema.builder()
            .column(Column.of("id", Type.INT32).notNull())
            .column("d65", Type.decimal(65, 0))
            .column("d65s30", Type.decimal(65, 30))
            .column("u64", Type.decimal(20, 0))
            .column("i64", Type.INT64)
            .column("f64", Type.FLOAT64)
            .column("s", Type.STRING)
            .column("bin", Type.BYTES)
            .column("t", Type.TIME)
            .column("ts", Type.TIMESTAMP)
            .column("tstz", Type.TIMESTAMP_TZ)
            .column("j", Type.JSON)
            .key("id")
            .build();

    private EdgeValueScenarios() {}

    static void edgeValuesRoundTripExactly(Db db) throws Exception {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        String nines = "9".repeat(65);
        Object[] high = {1, new BigDecimal(nines), new BigDecimal("9".repeat(35) + "." + "9".repeat(30)),
            new BigDecimal("18446744073709551615"), Long.MAX_VALUE, Double.MAX_VALUE, "𝄞😀𠜎 trailing  ",
            everyByte, LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
            Instant.parse("2038-01-19T03:14:07.999999Z"), "{\"k\": \"😀\", \"n\": null}"};
        Object[] low = {2, new BigDecimal("-" + nines), new BigDecimal("-0." + "0".repeat(29) + "1"),
            BigDecimal.ZERO, Long.MIN_VALUE, -Double.MIN_NORMAL, "", new byte[0], LocalTime.MIDNIGHT,
            // 02:30 does not exist in Europe/Berlin on that day: a no-zone timestamp keeps it anyway
            LocalDateTime.of(2021, 3, 28, 2, 30), Instant.parse("1970-01-01T00:00:01Z"), "[]"};
        Object[] nulls = new Object[EDGES.size()];
        nulls[0] = 3;
        JdbcSink sink = db.sink().build();
        Events e = new Events(TableId.of("src", "edges"), EDGES);
        sink.open(ApplyScenarios.context("edges"));
        try {
            sink.write(List.of(e.insert(high), e.insert(low), e.insert(nulls)));
            sink.flush();
        } finally {
            sink.close();
        }
        String bin = db.postgres ? "encode(bin, 'hex')" : "hex(bin)";
        List<String> rows = db.rows("SELECT id, d65, d65s30, u64, i64, f64, s, " + bin + ", t, ts, tstz, j"
                + (db.postgres ? "" : ", length(s), char_length(s)") + " FROM edges ORDER BY id");
        List<String> expected = new ArrayList<>();
        String highJson = "{\"k\": \"😀\", \"n\": null}";
        expected.add("1|" + nines + "|" + high[2] + "|18446744073709551615|" + Long.MAX_VALUE + "|"
                + (db.postgres ? "1.7976931348623157e+308" : "1.7976931348623157e308") + "|𝄞😀𠜎 trailing  |"
                + hex(everyByte, db) + "|23:59:59.999999|9999-12-31 23:59:59.999999|"
                + (db.postgres ? "2038-01-19 03:14:07.999999+00" : "2038-01-19 03:14:07.999999") + "|" + highJson
                + (db.postgres ? "" : "|23|14")); // 4-byte characters count as one
        expected.add("2|-" + nines + "|" + ((BigDecimal) low[2]).toPlainString() + "|0|" + Long.MIN_VALUE
                + "|-2.2250738585072014e-308||"
                + "|00:00:00" + (db.postgres ? "" : ".000000") + "|2021-03-28 02:30:00" + (db.postgres ? "" : ".000000")
                + "|" + (db.postgres ? "1970-01-01 00:00:01+00" : "1970-01-01 00:00:01.000000") + "|[]"
                + (db.postgres ? "" : "|0|0"));
        expected.add("3|null|null|null|null|null|null|null|null|null|null|null" + (db.postgres ? "" : "|null|null"));
        assertThat(rows).isEqualTo(expected);
    }

    private static String hex(byte[] bytes, Db db) {
        String hex = HexFormat.of().formatHex(bytes);
        return db.postgres ? hex : hex.toUpperCase(Locale.ROOT);
    }
}

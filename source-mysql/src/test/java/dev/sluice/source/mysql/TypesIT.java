package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Interval;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.Type;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every MySQL type, at its extremes, NULL and zero values, through the snapshot and the binlog. */
@ExtendWith(MariaDbExtension.class)
class TypesIT {

    private static final String D65 = "9".repeat(35) + "." + "9".repeat(30);
    private static final long MAX_TIME = (838L * 3600 + 59 * 60 + 59) * 1_000_000L;

    /** Column, its type, then for rows A (maxima), B (minima and empties) and Z (zero values): SQL and Java value. */
    static final Object[][] COLUMNS = {
        {"ti", "tinyint", "127", (short) 127, "-128", (short) -128, "0", (short) 0},
        {"tiu", "tinyint unsigned", "255", (short) 255, "0", (short) 0, "0", (short) 0},
        {"si", "smallint", "32767", (short) 32767, "-32768", (short) -32768, "0", (short) 0},
        {"siu", "smallint unsigned", "65535", 65535, "0", 0, "0", 0},
        {"mi", "mediumint", "8388607", 8388607, "-8388608", -8388608, "0", 0},
        {"miu", "mediumint unsigned", "16777215", 16777215, "0", 0, "0", 0},
        {"i", "int", "2147483647", 2147483647, "-2147483648", -2147483648, "0", 0},
        {"iu", "int unsigned", "4294967295", 4294967295L, "0", 0L, "0", 0L},
        {"bi", "bigint", "9223372036854775807", Long.MAX_VALUE, "-9223372036854775808", Long.MIN_VALUE, "0", 0L},
        {"biu", "bigint unsigned", "18446744073709551615", new BigDecimal("18446744073709551615"), "0",
            BigDecimal.ZERO, "9223372036854775808", new BigDecimal("9223372036854775808")},
        {"d65", "decimal(65,30)", D65, new BigDecimal(D65), "-" + D65, new BigDecimal("-" + D65), "0",
            new BigDecimal("0E-30")},
        {"d10", "decimal(10,2)", "-12345678.90", new BigDecimal("-12345678.90"), "0.01", new BigDecimal("0.01"), "0",
            new BigDecimal("0.00")},
        {"f", "float", "1.5", 1.5f, "-0.25", -0.25f, "0", 0f},
        {"dbl", "double", "1.7976931348623157E308", Double.MAX_VALUE, "-4.9E-324", -Double.MIN_VALUE, "0", 0d},
        {"b1", "bit(1)", "b'1'", true, "b'0'", false, "b'0'", false},
        {"b12", "bit(12)", "b'101010101010'", new byte[] {0x0A, (byte) 0xAA}, "b'0'", new byte[2], "b'1'",
            new byte[] {0, 1}},
        {"bo", "bool", "true", (short) 1, "false", (short) 0, "0", (short) 0},
        {"c", "char(10)", "'abc'", "abc", "''", "", "'  x  '", "  x"},
        {"vc", "varchar(100)", "'😀 héllo ✓'", "😀 héllo ✓", "''", "", "'\\\\'", "\\"},
        {"tx", "text", "'" + "𝄞".repeat(300) + "'", "𝄞".repeat(300), "''", "", "'a'", "a"},
        {"lat", "varchar(20) CHARACTER SET latin1", "'café€'", "café€", "''", "", "'Ü'", "Ü"},
        {"latt", "text CHARACTER SET latin1", "'ÆØÅ ÿ'", "ÆØÅ ÿ", "''", "", "'x'", "x"},
        {"bin", "binary(4)", "X'0102'", new byte[] {1, 2, 0, 0}, "X''", new byte[4], "X'00000000'", new byte[4]},
        {"vb", "varbinary(10)", "X'00FF'", new byte[] {0, (byte) 0xFF}, "X''", new byte[0], "X'20'",
            new byte[] {0x20}},
        {"bl", "blob", "X'DEADBEEF'", HexFormat.of().parseHex("DEADBEEF"), "X''", new byte[0], "X'00'", new byte[1]},
        {"dt", "date", "'9999-12-31'", LocalDate.of(9999, 12, 31), "'1000-01-01'", LocalDate.of(1000, 1, 1),
            "'0000-00-00'", null},
        {"tm", "time(6)", "'838:59:59.000000'", Interval.ofMicros(MAX_TIME), "'-838:59:59.000000'",
            Interval.ofMicros(-MAX_TIME), "'-00:00:00.500000'", Interval.ofMicros(-500_000)},
        {"tm0", "time", "'25:00:01'", Interval.ofMicros(90_001_000_000L), "'00:00:00'", Interval.ofMicros(0),
            "'-01:00:00'", Interval.ofMicros(-3_600_000_000L)},
        {"dtm", "datetime(6)", "'9999-12-31 23:59:59.999999'", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
            "'1000-01-01 00:00:00.000001'", LocalDateTime.of(1000, 1, 1, 0, 0, 0, 1000), "'0000-00-00 00:00:00'", null},
        {"dtm0", "datetime", "'2024-02-29 12:00:00'", LocalDateTime.of(2024, 2, 29, 12, 0),
            "'1000-01-01 00:00:00'", LocalDateTime.of(1000, 1, 1, 0, 0), "'2024-00-00 00:00:00'", null},
        {"ts", "timestamp(6) NULL", "'2038-01-19 03:14:07.999999'", Instant.parse("2038-01-19T03:14:07.999999Z"),
            "'1970-01-01 00:00:01.000000'", Instant.parse("1970-01-01T00:00:01Z"), "'0000-00-00 00:00:00'", null},
        {"ts3", "timestamp(3) NULL", "'2000-01-01 00:00:00.123'", Instant.parse("2000-01-01T00:00:00.123Z"),
            "'2024-06-30 23:59:59.999'", Instant.parse("2024-06-30T23:59:59.999Z"), "NULL", null},
        {"yr", "year", "2155", (short) 2155, "1901", (short) 1901, "0", (short) 0},
        {"en", "enum('small','medium','large')", "'large'", "large", "'small'", "small", "'nonsense'", ""},
        {"st", "set('a','b','c')", "'a,c'", "a,c", "''", "", "'c,b,a'", "a,b,c"},
        {"js", "json", "'{\"k\": [1, \"ü\", null]}'", "{\"k\": [1, \"ü\", null]}", "'[]'", "[]", "'0'", "0"},
        {"geo", "geometry", "ST_GeomFromText('POINT(1 2)')",
            HexFormat.of().parseHex("0101000000000000000000F03F0000000000000040"),
            "ST_GeomFromText('POINT(0 0)')", HexFormat.of().parseHex("010100000000000000000000000000000000000000"),
            "NULL", null},
    };

    @Test
    void everyTypeReadsTheSameFromSnapshotAndBinlogAsTheServerHasIt(MariaDbDatabase db) throws Exception {
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id int PRIMARY KEY");
        for (Object[] column : COLUMNS) {
            ddl.append(", ").append(column[0]).append(' ').append(column[1]);
        }
        db.execute(ddl.append(") CHARACTER SET utf8mb4").toString());
        insertRows(db, 1);

        ChangeStream stream = Streams.source(db).build().open(null, Streams.CONTEXT);
        try {
            List<ChangeEvent> snapshot = Streams.pollSnapshot(stream, 4);
            insertRows(db, 11);
            db.execute("UPDATE types SET vc = 'ändern', ts = NULL WHERE id = 11", "DELETE FROM types WHERE id = 12");
            List<ChangeEvent> streamed = Streams.poll(stream, 6);

            Schema schema = snapshot.get(0).schema();
            assertThat(streamed.get(0).schema()).as("binlog schema equals the snapshot's").isEqualTo(schema);
            assertThat(schema.keyColumns()).extracting(c -> c.name()).containsExactly("id");
            assertThat(schema.column(schema.indexOf("biu")).type()).isEqualTo(Type.decimal(20, 0));
            assertThat(schema.column(schema.indexOf("tm")).type()).isEqualTo(Type.INTERVAL);
            assertThat(schema.column(schema.indexOf("ts")).type()).isEqualTo(Type.TIMESTAMP_TZ);
            assertThat(schema.column(schema.indexOf("dtm")).type()).isEqualTo(Type.TIMESTAMP);
            assertThat(schema.column(schema.indexOf("js")).type()).isEqualTo(Type.JSON);
            assertThat(schema.column(schema.indexOf("en")).type())
                    .isEqualTo(Type.enumOf(List.of("small", "medium", "large")));
            assertThat(schema.column(schema.indexOf("d65")).sourceType()).isEqualTo("decimal(65,30)");
            assertThat(schema.column(schema.indexOf("iu")).sourceType()).isEqualTo("int unsigned");

            assertThat(snapshot).allMatch(e -> e.op() == Op.READ);
            assertRows(snapshot, 1);
            assertThat(streamed.subList(0, 4)).allMatch(e -> e.op() == Op.INSERT);
            assertRows(streamed.subList(0, 4), 11);

            ChangeEvent update = streamed.get(4);
            assertThat(update.op()).isEqualTo(Op.UPDATE);
            assertThat(update.before()).isEqualTo(streamed.get(0).after());
            assertThat(update.after().get(schema, "vc")).isEqualTo("ändern");
            assertThat(update.after().get(schema, "ts")).isNull();
            assertThat(update.after().get(schema, "d65")).isEqualTo(new BigDecimal(D65));
            ChangeEvent delete = streamed.get(5);
            assertThat(delete.op()).isEqualTo(Op.DELETE);
            assertThat(delete.before()).isEqualTo(streamed.get(1).after());
            assertThat(delete.transactionId()).matches("\\d+-\\d+-\\d+");
        } finally {
            stream.close();
        }
    }

    /** Rows {@code first} (maxima), {@code first + 1} (minima), {@code first + 2} (NULLs), {@code first + 3} (zeros). */
    private static void insertRows(MariaDbDatabase db, int first) throws Exception {
        StringBuilder names = new StringBuilder("id");
        for (Object[] column : COLUMNS) {
            names.append(", ").append(column[0]);
        }
        List<String> sql = new ArrayList<>();
        sql.add("SET SESSION time_zone = '+00:00'");
        sql.add("SET SESSION sql_mode = ''"); // allows zero dates and the invalid enum value
        for (int row = 0; row < 4; row++) {
            StringBuilder values = new StringBuilder().append(first + row);
            for (Object[] column : COLUMNS) {
                values.append(", ").append(row == 2 ? "NULL" : column[row == 3 ? 6 : 2 + 2 * row]);
            }
            sql.add("INSERT INTO types (" + names + ") VALUES (" + values + ")");
        }
        db.execute(sql.toArray(new String[0]));
    }

    private static void assertRows(List<ChangeEvent> events, int first) {
        Map<Integer, Integer> valueColumn = Map.of(0, 3, 1, 5, 3, 7);
        for (int row = 0; row < 4; row++) {
            ChangeEvent event = events.get(row);
            Schema schema = event.schema();
            assertThat(event.after().get(schema, "id")).isEqualTo(first + row);
            for (Object[] column : COLUMNS) {
                Object expected = row == 2 ? null : column[valueColumn.get(row)];
                assertThat(event.after().get(schema, (String) column[0]))
                        .as("row %d column %s (%s) of %s", row, column[0], column[1], event.op())
                        .isEqualTo(expected);
            }
        }
    }
}

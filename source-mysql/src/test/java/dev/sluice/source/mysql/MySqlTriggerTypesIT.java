package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Interval;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.testing.CaptureStreams;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every MariaDB type under the capture triggers, at its extremes, NULL and zero values: the application's writes
 * succeed, and trigger capture reads each value as the binlog source maps it and as the snapshot reads it over JDBC.
 */
@ExtendWith(MariaDbExtension.class)
class MySqlTriggerTypesIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("trg-types", Clock.systemUTC());
    private static final String D65 = "9".repeat(35) + "." + "9".repeat(30);
    private static final long MAX_TIME = (838L * 3600 + 59 * 60 + 59) * 1_000_000L;
    private static final byte[] POINT = HexFormat.of().parseHex("0101000000000000000000F03F0000000000000040");

    /** Column, its type, then for rows A (maxima), B (minima and empties) and Z (zero values): SQL and Java value. */
    private static final Object[][] COLUMNS = {
        {"ti", "tinyint", "127", (short) 127, "-128", (short) -128, "0", (short) 0},
        {"tiu", "tinyint unsigned", "255", (short) 255, "0", (short) 0, "0", (short) 0},
        {"bo", "tinyint(1)", "1", (short) 1, "-128", (short) -128, "0", (short) 0},
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
        {"d10", "decimal(10,2) unsigned", "99999999.99", new BigDecimal("99999999.99"), "0.01",
            new BigDecimal("0.01"), "0", new BigDecimal("0.00")},
        {"f", "float", "3.40282e38", 3.40282e38f, "-1.17549e-38", -1.17549e-38f, "0", 0f},
        {"dbl", "double", "1.7976931348623157E308", Double.MAX_VALUE, "-4.9E-324", -Double.MIN_VALUE, "0", 0d},
        {"b1", "bit(1)", "b'1'", true, "b'0'", false, "b'0'", false},
        {"b12", "bit(12)", "b'101010101010'", new byte[] {0x0A, (byte) 0xAA}, "b'0'", new byte[2], "b'1'",
            new byte[] {0, 1}},
        {"b64", "bit(64)", "b'1" + "0".repeat(62) + "1'", HexFormat.of().parseHex("8000000000000001"),
            "b'0'", new byte[8], "b'" + "1".repeat(64) + "'", HexFormat.of().parseHex("FFFFFFFFFFFFFFFF")},
        {"c", "char(10)", "'abc'", "abc", "''", "", "'  x  '", "  x"},
        {"vc", "varchar(100)", "'😀 héllo ✓'", "😀 héllo ✓", "''", "", "'\\\\\"'", "\\\""},
        {"tt", "tinytext", "'𝄞'", "𝄞", "''", "", "'\\n\\t'", "\n\t"},
        {"tx", "text", "'" + "𝄞".repeat(300) + "'", "𝄞".repeat(300), "''", "", "'a'", "a"},
        {"mt", "mediumtext", "'😀'", "😀", "''", "", "'\\0'", "\0"},
        {"lt", "longtext", "'" + "x😀".repeat(5000) + "'", "x😀".repeat(5000), "''", "", "'{}'", "{}"},
        {"lat", "varchar(20) CHARACTER SET latin1", "'café€ÿ'", "café€ÿ", "''", "", "'Ü'", "Ü"},
        {"latt", "text CHARACTER SET latin1", "'ÆØÅ ÿ'", "ÆØÅ ÿ", "''", "", "'x'", "x"},
        {"ac", "varchar(5) CHARACTER SET ascii", "'~!'", "~!", "''", "", "'0'", "0"},
        {"bvc", "varchar(6) CHARACTER SET binary", "X'00FFC3'", new byte[] {0, (byte) 0xFF, (byte) 0xC3},
            "X''", new byte[0], "X'80'", new byte[] {(byte) 0x80}},
        {"btx", "text CHARACTER SET binary", "X'F09F'", new byte[] {(byte) 0xF0, (byte) 0x9F}, "X''", new byte[0],
            "X'00'", new byte[1]},
        {"bin", "binary(4)", "X'0102'", new byte[] {1, 2, 0, 0}, "X''", new byte[4], "X'00000000'", new byte[4]},
        {"vb", "varbinary(10)", "X'00FF'", new byte[] {0, (byte) 0xFF}, "X''", new byte[0], "X'20'",
            new byte[] {0x20}},
        {"tb", "tinyblob", "X'C328'", new byte[] {(byte) 0xC3, 0x28}, "X''", new byte[0], "X'00'", new byte[1]},
        {"bl", "blob", "X'DEADBEEF'", HexFormat.of().parseHex("DEADBEEF"), "X''", new byte[0], "X'00'", new byte[1]},
        {"mb", "mediumblob", "X'FFFE'", new byte[] {(byte) 0xFF, (byte) 0xFE}, "X''", new byte[0], "X'0A'",
            new byte[] {0x0A}},
        {"lb", "longblob", "X'" + "AB".repeat(70_000) + "'", HexFormat.of().parseHex("AB".repeat(70_000)), "X''",
            new byte[0], "X'22'", new byte[] {0x22}},
        {"dt", "date", "'9999-12-31'", LocalDate.of(9999, 12, 31), "'1000-01-01'", LocalDate.of(1000, 1, 1),
            "'0000-00-00'", null},
        {"dtz", "date", "'2024-02-29'", LocalDate.of(2024, 2, 29), "'2024-00-10'", null, "'2024-05-00'", null},
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
        {"en", "enum('small','😀 big','läge')", "'😀 big'", "😀 big", "'läge'", "läge", "'nonsense'", ""},
        {"enl", "enum('a','ö') CHARACTER SET latin1", "'ö'", "ö", "'a'", "a", "'nonsense'", ""},
        {"st", "set('a','b','😀')", "'a,😀'", "a,😀", "''", "", "'😀,b,a'", "a,b,😀"},
        {"js", "json", "'{\"k\": [1, \"ü😀\", null]}'", "{\"k\": [1, \"ü😀\", null]}", "'[]'", "[]",
            "'\"\\\\uD83D\\\\uDE00\"'", "\"\\uD83D\\uDE00\""},
        {"geo", "geometry", "ST_GeomFromText('POINT(1 2)')", POINT,
            "ST_GeomFromText('POINT(0 0)')", HexFormat.of().parseHex("010100000000000000000000000000000000000000"),
            "ST_GeomFromText('LINESTRING(0 0, 1 1)')", HexFormat.of().parseHex("010200000002000000"
                + "0".repeat(32) + "000000000000F03F000000000000F03F")},
        {"pt", "point", "POINT(1, 2)", POINT, "NULL", null, "NULL", null},
        {"pg", "polygon", "ST_GeomFromText('POLYGON((0 0, 1 0, 0 1, 0 0))')", HexFormat.of().parseHex(
            "01030000000100000004000000" + "0".repeat(32) + "000000000000F03F" + "0".repeat(16) + "0".repeat(16)
                + "000000000000F03F" + "0".repeat(32)), "NULL", null, "NULL", null},
    };

    /**
     * Columns the binlog source still reads differently (reported on issue 19, not trigger capture's to fix): a
     * latin1 ENUM's labels decoded as UTF-8 (19.4), a VARCHAR after GEOMETRY columns read as bytes (19.2), and a
     * 4-byte ENUM or SET label, which information_schema (utf8mb3) shows as {@code ?} to the snapshot and trigger
     * capture.
     */
    private static final Set<String> BINLOG_DEFECTS = Set.of("enl", "gs", "en", "st");

    private static JdbcCaptureSource triggers(MariaDbDatabase db) {
        return JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource())
                .tables(TableFilter.include(db.name() + ".types"))
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5))
                .build();
    }

    @Test
    void everyTypeWritesThroughTheTriggersAndReadsAsTheBinlogSourceAndTheServerHaveIt(MariaDbDatabase db)
            throws Exception {
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id int PRIMARY KEY");
        for (Object[] column : COLUMNS) {
            ddl.append(", ").append(column[0]).append(' ').append(column[1]);
        }
        ddl.append(", gv bigint AS (id * 2) VIRTUAL, gs varchar(20) AS (CONCAT('g😀', id)) STORED");
        db.execute(ddl.append(") CHARACTER SET utf8mb4").toString());
        JdbcCaptureSource source = triggers(db);
        source.install();
        ChangeStream binlog = Streams.source(db).tables(TableFilter.include(db.name() + ".types")).build()
                .open(null, Streams.CONTEXT);
        insertRows(db, 1);
        List<ChangeEvent> logged;
        try {
            // the (empty) snapshot's truncate, then the four inserts
            logged = Streams.poll(binlog, 5).subList(1, 5);
        } finally {
            binlog.close();
        }
        db.execute("UPDATE types SET vc = 'ändern', b64 = b'1', ts = NULL, geo = NULL WHERE id = 1",
                "DELETE FROM types WHERE id = 4");

        List<ChangeEvent> captured;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            captured = CaptureStreams.pollCount(stream, 6, Duration.ofSeconds(60));
        }
        assertThat(captured).extracting(ChangeEvent::op)
                .containsExactly(Op.INSERT, Op.INSERT, Op.INSERT, Op.INSERT, Op.UPDATE, Op.DELETE);
        for (int row = 0; row < 4; row++) {
            assertRow(captured.get(row), row);
        }
        // the binlog source reads the same inserts with the same column types and values
        Schema triggerSchema = captured.get(0).schema();
        Schema logSchema = logged.get(0).schema();
        assertThat(logSchema.size()).isEqualTo(triggerSchema.size());
        for (int i = 0; i < logSchema.size(); i++) {
            String name = triggerSchema.column(i).name();
            if (BINLOG_DEFECTS.contains(name)) {
                continue;
            }
            assertThat(logSchema.column(i)).as("column %s", name).isEqualTo(triggerSchema.column(i));
            for (int row = 0; row < 4; row++) {
                assertThat(captured.get(row).after().get(i)).as("row %d column %s", row, name)
                        .isEqualTo(logged.get(row).after().get(i));
            }
        }
        ChangeEvent update = captured.get(4);
        Schema schema = update.schema();
        assertThat(update.before()).isEqualTo(captured.get(0).after());
        assertThat(update.after().get(schema, "vc")).isEqualTo("ändern");
        assertThat((byte[]) update.after().get(schema, "b64")).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(update.after().get(schema, "ts")).isNull();
        assertThat(update.after().get(schema, "geo")).isNull();
        assertThat(update.after().get(schema, "d65")).isEqualTo(new BigDecimal(D65));
        assertThat(captured.get(5).before()).isEqualTo(captured.get(3).after());

        // the binlog source's snapshot reads the same rows over JDBC: same schema, same values
        db.execute("INSERT INTO types (id) VALUES (100)", "DELETE FROM types WHERE id = 100");
        List<ChangeEvent> snapshot;
        try (ChangeStream stream = Streams.source(db).tables(TableFilter.include(db.name() + ".types")).build()
                .open(null, Streams.CONTEXT)) {
            snapshot = Streams.poll(stream, 4).subList(1, 4); // after the snapshot's truncate
        }
        assertThat(snapshot.get(0).schema()).isEqualTo(schema);
        assertThat(snapshot.get(0).after()).isEqualTo(update.after());
        assertThat(snapshot.get(1).after()).isEqualTo(captured.get(1).after());
        assertThat(snapshot.get(2).after()).isEqualTo(captured.get(2).after());
    }

    @Test
    void triggersInstalledFromAUtf8mb3SessionKeepFourByteCharacters(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE types (id int PRIMARY KEY, v varchar(20), j json, e enum('a','😀'), "
                + "s set('😀','b'), `ünï 日本` text) CHARACTER SET utf8mb4");
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(() -> {
                    Connection c = db.connect();
                    try (Statement s = c.createStatement()) {
                        s.execute("SET NAMES utf8mb3");
                    }
                    return c;
                }, "utf8mb3 sessions")
                .tables(TableFilter.include(db.name() + ".types"))
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5))
                .build();
        source.install();
        db.execute("INSERT INTO types VALUES (1, '😀𝄞', '{\"k\": \"😀\", \"e\": \"\\\\uD83D\\\\uDE00\"}', '😀', "
                + "'😀,b', '𝄞')");
        Row row;
        Schema schema;
        try (ChangeStream stream = triggers(db).open(null, CONTEXT)) {
            ChangeEvent event = CaptureStreams.pollCount(stream, 1, Duration.ofSeconds(30)).get(0);
            row = event.after();
            schema = event.schema();
        }
        assertThat(row.get(schema, "v")).isEqualTo("😀𝄞");
        assertThat(row.get(schema, "j")).isEqualTo("{\"k\": \"😀\", \"e\": \"\\uD83D\\uDE00\"}");
        assertThat(row.get(schema, "e")).isEqualTo("😀");
        assertThat(row.get(schema, "s")).isEqualTo("😀,b");
        assertThat(row.get(schema, "ünï 日本")).isEqualTo("𝄞");
    }

    /** Rows {@code first} (maxima), {@code first + 1} (minima), {@code first + 2} (NULLs), {@code first + 3} (zeros). */
    private static void insertRows(MariaDbDatabase db, int first) throws Exception {
        StringBuilder names = new StringBuilder("id");
        for (Object[] column : COLUMNS) {
            names.append(", ").append(column[0]);
        }
        List<String> sql = new ArrayList<>();
        // the writer's zone must not matter; the expected TIMESTAMP values are written in UTC
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

    private static void assertRow(ChangeEvent event, int row) {
        int[] valueColumn = {3, 5, -1, 7};
        Schema schema = event.schema();
        int id = (Integer) event.after().get(schema, "id");
        assertThat(id).isEqualTo(row + 1);
        for (Object[] column : COLUMNS) {
            Object expected = row == 2 ? null : column[valueColumn[row]];
            assertThat(event.after().get(schema, (String) column[0]))
                    .as("row %d column %s (%s)", row, column[0], column[1])
                    .isEqualTo(expected);
        }
        assertThat(event.after().get(schema, "gv")).isEqualTo(2L * id);
        assertThat(event.after().get(schema, "gs")).isEqualTo("g😀" + id);
    }
}

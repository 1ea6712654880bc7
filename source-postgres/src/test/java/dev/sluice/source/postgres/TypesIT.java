package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Interval;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.Type;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PGInterval;

/** Every supported type, through snapshot and stream, compared value by value with what JDBC reads back. */
@ExtendWith(PostgresExtension.class)
class TypesIT {

    private static final String COLUMNS = "c_smallint, c_int, c_bigint, c_numeric, c_numeric_any, c_real, c_double,"
            + " c_bool, c_text, c_varchar, c_char, c_bytea, c_date, c_time, c_timetz, c_ts, c_tstz, c_interval,"
            + " c_uuid, c_json, c_jsonb, c_enum, c_int_array, c_text_array, c_numeric_array, c_inet";

    private static final String[] ROWS = {
        "(1, 1, 2, 3, 12345678901234567890123456.0123456789, 0.1, 1.5, 2.25, true, 'plain', 'v', 'ab',"
                + " '\\x00ff10', '2024-02-29', '13:45:00.123456', '13:45:00.5+02', '2024-03-31 02:30:00',"
                + " '2024-03-31 00:59:59.999999+00', '1 year 2 mons 3 days 04:05:06.000007',"
                + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2.5, \"x\"]}', '{\"b\": {\"c\": null}}',"
                + " 'happy', '{1,NULL,3}', '{\"a b\",NULL,\"q\\\"uote\",\"NULL\",\"\"}', '{1.50,-2.25}',"
                + " '192.168.0.1/24')",
        "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        "(3, -32768, -2147483648, -9223372036854775808, -0.0000000001, -123.456e-20, 'NaN', '-Infinity', false,"
                + " 'ünïcödé 🦆 日本語', 'emoji 😀', 'x', '', '0044-03-15 BC', '00:00:00', '23:59:59.999999-03:30',"
                + " '1969-12-31 23:59:59.999999', '1900-01-01 00:00:00+00', '-1 days -00:00:00.5',"
                + " '00000000-0000-0000-0000-000000000000', '[]', '\"🦆\"', 'sad', '{}', '{}', '{}', '::1')",
        "(4, 0, 0, 0, 0, 0, 'Infinity', 1e308, true, '', '', '', '\\x', 'infinity', '24:00:00', '00:00:00+00',"
                + " '2021-10-31 02:30:00', '2021-10-31 01:30:00+00', '0', gen_random_uuid(), 'null', '1', 'ok',"
                + " '{-1}', '{\"\\\\back\"}', '{0.00}', '10.0.0.1')",
        // control characters and backslashes in text, JSON and arrays
        "(5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, E'a\\tb\\nc\\\\d\\re\\\\N', E'\\\\N', NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{\"k\": \"x\\\\ty\"}', NULL, NULL, NULL,"
                + " E'{\"t\\tab\"}', NULL, NULL)",
    };

    @Test
    void snapshotAndStreamCarryEveryTypeExactly(PostgresDatabase db) throws Exception {
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE all_types (id int PRIMARY KEY, c_smallint smallint, c_int int, c_bigint bigint,"
                        + " c_numeric numeric(38,10), c_numeric_any numeric, c_real real, c_double double precision,"
                        + " c_bool boolean, c_text text, c_varchar varchar(20), c_char char(5), c_bytea bytea,"
                        + " c_date date, c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz,"
                        + " c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb, c_enum mood,"
                        + " c_int_array int[], c_text_array text[], c_numeric_array numeric(10,2)[], c_inet inet)",
                "INSERT INTO all_types VALUES " + String.join(", ", ROWS));
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            List<ChangeEvent> snapshot = poll(stream, ROWS.length);
            assertThat(snapshot).extracting(ChangeEvent::op).containsOnly(Op.READ);

            db.execute("INSERT INTO all_types SELECT id + 100, " + COLUMNS + " FROM all_types");
            List<ChangeEvent> inserts = poll(stream, ROWS.length);
            assertThat(inserts).extracting(ChangeEvent::op).containsOnly(Op.INSERT);

            Map<Integer, List<Object>> expected = readBack(db);
            for (ChangeEvent event : concat(snapshot, inserts)) {
                int id = (Integer) event.after().get(0);
                List<Object> want = expected.get(id);
                List<Object> got = event.after().values();
                for (int i = 0; i < want.size(); i++) {
                    assertThat(normalise(got.get(i))).as("row %d column %s", id, event.schema().column(i).name())
                            .isEqualTo(want.get(i));
                }
            }
            // snapshot and stream agree, schema included
            for (ChangeEvent read : snapshot) {
                ChangeEvent insert = inserts.stream()
                        .filter(e -> e.after().get(0).equals((Integer) read.after().get(0) + 100)).findFirst().get();
                assertThat(insert.schema()).isEqualTo(read.schema());
                assertThat(insert.after().values().subList(1, ROWS.length))
                        .usingRecursiveFieldByFieldElementComparator()
                        .isEqualTo(read.after().values().subList(1, ROWS.length));
            }
            assertSchema(snapshot.get(0).schema());

            db.execute("UPDATE all_types SET c_text = 'changed' WHERE id = 101", "DELETE FROM all_types WHERE id = 103",
                    "TRUNCATE all_types");
            List<ChangeEvent> changes = poll(stream, 3);
            assertThat(changes).extracting(ChangeEvent::op).containsExactly(Op.UPDATE, Op.DELETE, Op.TRUNCATE);
            List<Object> updated = new ArrayList<>(expected.get(101));
            updated.set(9, "changed");
            List<Object> got = changes.get(0).after().values();
            for (int i = 0; i < updated.size(); i++) {
                assertThat(normalise(got.get(i))).as("updated column %d", i).isEqualTo(updated.get(i));
            }
            assertThat(changes.get(1).before().get(0)).isEqualTo(103);
        }
    }

    @Test
    void timesAreNotShiftedAcrossDaylightSavingChangesOrBefore1970(PostgresDatabase db) throws Exception {
        TimeZone jvmZone = TimeZone.getDefault();
        // the source's connections take the JVM's zone as their session zone: make it one with DST
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try {
            db.execute("CREATE TABLE times (id int PRIMARY KEY, ts timestamp, tstz timestamptz)");
            String rows = "(1, '2024-03-31 01:59:59.999999', '2024-03-31 01:59:59.999999+01'),"
                    + " (2, '2024-03-31 02:30:00', '2024-03-31 03:00:00+02'),"
                    + " (3, '2021-10-31 02:30:00', '2021-10-31 02:30:00+02'),"
                    + " (4, '2021-10-31 02:30:00', '2021-10-31 02:30:00+01'),"
                    + " (5, '1950-06-01 12:00:00', '1950-06-01 12:00:00+01'),"
                    + " (6, '1893-04-01 00:00:00', '1893-04-01 00:00:00+00')";
            db.execute("INSERT INTO times VALUES " + rows);
            List<Object> expected = List.of(
                    LocalDateTime.parse("2024-03-31T01:59:59.999999"), Instant.parse("2024-03-31T00:59:59.999999Z"),
                    LocalDateTime.parse("2024-03-31T02:30:00"), Instant.parse("2024-03-31T01:00:00Z"),
                    LocalDateTime.parse("2021-10-31T02:30:00"), Instant.parse("2021-10-31T00:30:00Z"),
                    LocalDateTime.parse("2021-10-31T02:30:00"), Instant.parse("2021-10-31T01:30:00Z"),
                    LocalDateTime.parse("1950-06-01T12:00:00"), Instant.parse("1950-06-01T11:00:00Z"),
                    LocalDateTime.parse("1893-04-01T00:00:00"), Instant.parse("1893-04-01T00:00:00Z"));
            try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
                List<ChangeEvent> reads = poll(stream, 6);
                db.execute("INSERT INTO times SELECT id + 10, ts, tstz FROM times");
                List<ChangeEvent> inserts = poll(stream, 6);
                for (List<ChangeEvent> events : List.of(reads, inserts)) {
                    for (ChangeEvent event : events) {
                        int row = ((Integer) event.after().get(0)) % 10 - 1;
                        assertThat(event.after().values().subList(1, 3)).as("row %d", row + 1)
                                .isEqualTo(expected.subList(2 * row, 2 * row + 2));
                    }
                }
            }
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }

    private static void assertSchema(Schema schema) {
        assertThat(schema.keyColumns()).extracting(c -> c.name()).containsExactly("id");
        assertThat(schema.column(schema.indexOf("c_numeric")).type()).isEqualTo(Type.decimal(38, 10));
        assertThat(schema.column(schema.indexOf("c_numeric_any")).type()).isEqualTo(Type.decimal());
        assertThat(schema.column(schema.indexOf("c_tstz")).type()).isEqualTo(Type.TIMESTAMP_TZ);
        assertThat(schema.column(schema.indexOf("c_ts")).type()).isEqualTo(Type.TIMESTAMP);
        assertThat(schema.column(schema.indexOf("c_interval")).type()).isEqualTo(Type.INTERVAL);
        assertThat(schema.column(schema.indexOf("c_timetz")).type()).isEqualTo(Type.STRING);
        assertThat(schema.column(schema.indexOf("c_enum")).type()).isEqualTo(Type.enumOf(List.of("sad", "ok", "happy")));
        assertThat(schema.column(schema.indexOf("c_int_array")).type()).isEqualTo(Type.arrayOf(Type.INT32));
        assertThat(schema.column(schema.indexOf("c_numeric_array")).type())
                .isEqualTo(Type.arrayOf(Type.decimal(10, 2)));
        assertThat(schema.column(schema.indexOf("c_jsonb")).type()).isEqualTo(Type.JSON);
        assertThat(schema.column(schema.indexOf("c_inet")).type()).isEqualTo(Type.UNKNOWN);
        assertThat(schema.column(schema.indexOf("c_inet")).sourceType()).isEqualTo("inet");
        assertThat(schema.column(schema.indexOf("id")).nullable()).isFalse();
    }

    /** Byte arrays and lists compared by content. */
    private static Object normalise(Object value) {
        return value instanceof byte[] bytes ? Arrays.toString(bytes) : value;
    }

    private static List<ChangeEvent> concat(List<ChangeEvent> a, List<ChangeEvent> b) {
        List<ChangeEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** What pgjdbc reads for every row, in the core's Java types. */
    private static Map<Integer, List<Object>> readBack(PostgresDatabase db) throws Exception {
        Map<Integer, List<Object>> rows = new HashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, " + COLUMNS + " FROM all_types")) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                row.add(rs.getInt("id"));
                row.add(rs.getObject("c_smallint") == null ? null : rs.getShort("c_smallint"));
                row.add(rs.getObject("c_int", Integer.class));
                row.add(rs.getObject("c_bigint", Long.class));
                row.add(rs.getBigDecimal("c_numeric"));
                row.add(numericOrNull(rs, "c_numeric_any"));
                row.add(rs.getObject("c_real") == null ? null : rs.getFloat("c_real"));
                row.add(rs.getObject("c_double") == null ? null : rs.getDouble("c_double"));
                row.add(rs.getObject("c_bool", Boolean.class));
                row.add(rs.getString("c_text"));
                row.add(rs.getString("c_varchar"));
                row.add(rs.getString("c_char"));
                row.add(normalise(rs.getBytes("c_bytea")));
                LocalDate date = rs.getObject("c_date", LocalDate.class);
                // pgjdbc reads infinity as LocalDate.MAX; the source's one rule is 2^31-1 days (docs)
                row.add(LocalDate.MAX.equals(date) ? LocalDate.ofEpochDay(Integer.MAX_VALUE) : date);
                row.add(time(rs));
                row.add(rs.getString("c_timetz"));
                row.add(rs.getObject("c_ts", LocalDateTime.class));
                OffsetDateTime tstz = rs.getObject("c_tstz", OffsetDateTime.class);
                row.add(tstz == null ? null : tstz.toInstant());
                row.add(interval((PGInterval) rs.getObject("c_interval")));
                row.add(rs.getObject("c_uuid", UUID.class));
                row.add(rs.getString("c_json"));
                row.add(rs.getString("c_jsonb"));
                row.add(rs.getString("c_enum"));
                row.add(list(rs.getArray("c_int_array")));
                row.add(list(rs.getArray("c_text_array")));
                row.add(list(rs.getArray("c_numeric_array")));
                row.add(rs.getString("c_inet"));
                rows.put(rs.getInt("id"), row);
            }
        }
        return rows;
    }

    private static BigDecimal numericOrNull(ResultSet rs, String column) throws Exception {
        // pgjdbc reads NaN numerics as a Double; row 3 holds an ordinary value here
        return rs.getBigDecimal(column);
    }

    private static LocalTime time(ResultSet rs) throws Exception {
        String text = rs.getString("c_time");
        if ("24:00:00".equals(text)) {
            return LocalTime.of(23, 59, 59, 999_999_000); // the documented mapping of 24:00:00
        }
        return rs.getObject("c_time", LocalTime.class);
    }

    private static Interval interval(PGInterval value) {
        if (value == null) {
            return null;
        }
        long micros = Math.round(value.getSeconds() * 1_000_000d) + value.getMinutes() * 60_000_000L
                + value.getHours() * 3_600_000_000L;
        return new Interval(value.getYears() * 12 + value.getMonths(), value.getDays(), micros);
    }

    private static List<Object> list(Array array) throws Exception {
        return array == null ? null : Arrays.asList((Object[]) array.getArray());
    }
}

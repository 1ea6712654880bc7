package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Column;
import dev.sluice.Interval;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.util.PGInterval;

/** Every common type written and read back, value by value, with values at the edges. */
final class TypeScenarios {

    static final Schema ALL = Schema.builder()
            .column(Column.of("id", Type.INT32).notNull())
            .column("b", Type.BOOLEAN)
            .column("i16", Type.INT16)
            .column("i64", Type.INT64)
            .column("f32", Type.FLOAT32)
            .column("f64", Type.FLOAT64)
            .column("dec", Type.decimal(38, 10))
            .column("num", Type.decimal())
            .column("s", Type.STRING)
            .column("bin", Type.BYTES)
            .column("d", Type.DATE)
            .column("t", Type.TIME)
            .column("ts", Type.TIMESTAMP)
            .column("tstz", Type.TIMESTAMP_TZ)
            .column("iv", Type.INTERVAL)
            .column("u", Type.UUID)
            .column("j", Type.JSON)
            .column("e", Type.enumOf(List.of("small", "large")))
            .column("arr", Type.arrayOf(Type.INT32))
            .column(new Column("unk", Type.UNKNOWN, true, "point"))
            .key("id")
            .build();

    static final Object[] ROW = {
        1, true, Short.MIN_VALUE, Long.MAX_VALUE, 1.5f, -2.718281828459045,
        new BigDecimal("-1234567890123456789012345678.0123456789"), new BigDecimal("3.14159265358979323846"),
        "Grüße, 世界 🎉 'quote' \"dq\" \\ back", new byte[] {0, 1, (byte) 0xff, 127, (byte) 0x80},
        LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 999_999_000),
        LocalDateTime.of(1999, 12, 31, 23, 59, 59, 123_456_000), Instant.parse("2021-03-28T01:30:00.000001Z"),
        new Interval(14, -3, 5_000_001L), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        "{\"a\": 1, \"b\": [true, null, \"ü\"]}", "large", Arrays.asList(1, null, -3), "(1,2)"
    };

    private TypeScenarios() {}

    static void everyTypeRoundTripsValueByValue(Db db) throws Exception {
        Object[] nulls = new Object[ALL.size()];
        nulls[0] = 2;
        JdbcSink sink = db.sink().build();
        Events e = new Events(TableId.of("src", "all_types"), ALL);
        sink.open(ApplyScenarios.context("types"));
        try {
            sink.write(List.of(e.insert(ROW.clone()), e.insert(nulls)));
            sink.flush();
        } finally {
            sink.close();
        }
        try (Connection c = db.database.connect(); Statement s = c.createStatement()) {
            if (!db.postgres) {
                s.execute("SET time_zone = '+00:00'");
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM all_types ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                for (int i = 0; i < ALL.size(); i++) {
                    Object actual = read(rs, i + 1, ALL.column(i).type(), db.postgres);
                    assertThat(actual).as("column %s", ALL.column(i).name()).isEqualTo(ROW[i]);
                }
                assertThat(rs.next()).isTrue();
                for (int i = 1; i < ALL.size(); i++) {
                    assertThat(rs.getObject(i + 1)).as("column %s of the null row", ALL.column(i).name()).isNull();
                }
            }
        }
    }

    private static Object read(ResultSet rs, int index, Type type, boolean postgres) throws Exception {
        String text = rs.getString(index);
        return switch (type.kind()) {
            case BOOLEAN -> rs.getBoolean(index);
            case INT16 -> rs.getShort(index);
            case INT32 -> rs.getInt(index);
            case INT64 -> rs.getLong(index);
            case FLOAT32 -> rs.getFloat(index);
            case FLOAT64 -> rs.getDouble(index);
            // an unconstrained decimal is DECIMAL(65,30) on MySQL: the same number with trailing zeros
            case DECIMAL -> type.hasPrecision() || postgres ? rs.getBigDecimal(index)
                    : rs.getBigDecimal(index).stripTrailingZeros();
            case BYTES -> rs.getBytes(index);
            case DATE -> LocalDate.parse(text);
            case TIME -> LocalTime.parse(text);
            case TIMESTAMP -> LocalDateTime.parse(text.replace(' ', 'T'));
            case TIMESTAMP_TZ -> postgres ? rs.getObject(index, OffsetDateTime.class).toInstant()
                    : LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            case INTERVAL -> postgres ? interval((PGInterval) rs.getObject(index))
                    : text.equals(ROW[14].toString()) ? ROW[14] : text; // MySQL: the ISO-8601 text
            case UUID -> UUID.fromString(text);
            case ARRAY -> postgres ? arrayOf(rs.getArray(index)) : text.equals("[1,null,-3]") ? ROW[18] : text;
            default -> text;
        };
    }

    private static Interval interval(PGInterval iv) {
        long micros = iv.getHours() * 3_600_000_000L + iv.getMinutes() * 60_000_000L
                + Math.round(iv.getSeconds() * 1_000_000);
        return new Interval(iv.getYears() * 12 + iv.getMonths(), iv.getDays(), micros);
    }

    private static List<Object> arrayOf(Array array) throws Exception {
        return new ArrayList<>(Arrays.asList((Object[]) array.getArray()));
    }
}

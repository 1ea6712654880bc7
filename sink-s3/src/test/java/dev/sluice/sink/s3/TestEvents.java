package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Interval;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Events for tests: a table with every logical type, and a simple numbered table. */
final class TestEvents {

    static final TableId ALL = TableId.of("shop", "all_types");
    static final Schema ALL_SCHEMA = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("b", Type.BOOLEAN)
            .column("i16", Type.INT16)
            .column("i32", Type.INT32)
            .column("f32", Type.FLOAT32)
            .column("f64", Type.FLOAT64)
            .column("d_small", Type.decimal(9, 2))
            .column("d_mid", Type.decimal(18, 6))
            .column("d_big", Type.decimal(38, 10))
            .column("d_huge", Type.decimal(60, 5))
            .column("d_free", Type.decimal())
            .column("s", Type.STRING)
            .column("raw", Type.BYTES)
            .column("day", Type.DATE)
            .column("t", Type.TIME)
            .column("ts", Type.TIMESTAMP)
            .column("tstz", Type.TIMESTAMP_TZ)
            .column("span", Type.INTERVAL)
            .column("u", Type.UUID)
            .column("j", Type.JSON)
            .column("mood", Type.enumOf(List.of("happy", "sad")))
            .column("tags", Type.arrayOf(Type.STRING))
            .column("matrix", Type.arrayOf(Type.arrayOf(Type.INT32)))
            .column(new Column("geo", Type.UNKNOWN, true, "geometry"))
            .key("id")
            .build();

    static final TableId ITEMS = TableId.of("mem", "items");
    static final Schema ITEMS_SCHEMA = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("name", Type.STRING)
            .key("id")
            .build();

    static final Instant T0 = Instant.parse("2024-05-31T23:59:58.123456Z");

    private TestEvents() {}

    /** An offset whose text is {@code test:<n>}. */
    record N(long n) implements Offset {
        @Override
        public String encode() {
            return "test:" + n;
        }

        @Override
        public boolean covers(Offset other) {
            return n >= ((N) other).n;
        }
    }

    static Object[] fullRow(long id) {
        return new Object[] {
            id, true, (short) -12345, 2_000_000_000 + (int) id, 1.5f, -2.25e300,
            new BigDecimal("-1234567.89"), new BigDecimal("123456789012.345678"),
            new BigDecimal("-1234567890123456789012345678.0123456789"),
            new BigDecimal("1234567890123456789012345678901234567890123456789012345.12345"),
            new BigDecimal("3.14159265358979323846264338327950288419716939937510"),
            "héllo 世界 🎉", new byte[] {0, 1, (byte) 0xff}, LocalDate.of(1969, 7, 20),
            LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_000),
            Instant.parse("2024-03-31T01:30:00.654321Z"), new Interval(14, -3, -3_723_000_001L),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "{\"a\": [1, 2.50, \"x\"]}", "sad",
            Arrays.asList("a", null, "c"), List.of(List.of(1, 2), List.of(), Arrays.asList(3, null)),
            "POINT(1 2)"
        };
    }

    static ChangeEvent insert(long id, long offset) {
        return ChangeEvent.builder(Op.INSERT, ALL, ALL_SCHEMA).after(Row.of(fullRow(id))).offset(new N(offset))
                .commitTime(T0).transactionId("tx-" + offset).build();
    }

    static ChangeEvent item(Op op, long id, long offset, Instant commitTime) {
        ChangeEvent.Builder b = ChangeEvent.builder(op, ITEMS, ITEMS_SCHEMA).offset(new N(offset))
                .commitTime(commitTime);
        Row row = Row.of(id, "item-" + id);
        if (op == Op.DELETE) {
            b.before(Row.of(id, null));
        } else if (op != Op.TRUNCATE) {
            b.after(row);
        }
        return b.build();
    }
}

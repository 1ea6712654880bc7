package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.SeqOffset;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeEventTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final Schema SCHEMA = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("total", Type.decimal(12, 2))
            .column("note", Type.STRING)
            .key("id")
            .build();
    private static final Instant T = Instant.parse("2026-11-22T10:15:30.123456Z");

    private static ChangeEvent.Builder event(Op op) {
        return ChangeEvent.builder(op, ORDERS, SCHEMA).offset(new SeqOffset(1)).commitTime(T);
    }

    @Test
    void carriesWhatItWasBuiltWith() {
        Row before = Row.of(7L, new BigDecimal("1.00"), "old");
        Row after = Row.of(7L, new BigDecimal("2.50"), "new");

        ChangeEvent update = event(Op.UPDATE).before(before).after(after).transactionId("742").build();

        assertThat(update.op()).isEqualTo(Op.UPDATE);
        assertThat(update.table()).isEqualTo(ORDERS);
        assertThat(update.schema()).isSameAs(SCHEMA);
        assertThat(update.before()).isEqualTo(before);
        assertThat(update.after().get(SCHEMA, "total")).isEqualTo(new BigDecimal("2.50"));
        assertThat(update.row()).isSameAs(after);
        assertThat(update.offset()).isEqualTo(new SeqOffset(1));
        assertThat(update.commitTime()).isEqualTo(T);
        assertThat(update.transactionId()).isEqualTo("742");
        assertThat(update).hasToString("UPDATE shop.orders at mem:1 before=[7, 1.00, old] after=[7, 2.50, new]");
    }

    @Test
    void imagesMustFitTheOperation() {
        Row row = Row.of(1L, null, null);
        assertThatThrownBy(() -> event(Op.INSERT).build()).hasMessage("INSERT event on shop.orders needs an after image");
        assertThatThrownBy(() -> event(Op.DELETE).build())
                .hasMessage("DELETE event on shop.orders needs a before image (at least the key)");
        assertThatThrownBy(() -> event(Op.DELETE).before(row).after(row).build())
                .hasMessage("DELETE event on shop.orders takes no after image");
        assertThatThrownBy(() -> event(Op.READ).before(row).after(row).build())
                .hasMessage("READ event on shop.orders takes no before image");
        assertThat(event(Op.TRUNCATE).build().row()).isNull();
        assertThat(event(Op.UPDATE).after(row).build().before()).isNull();
    }

    @Test
    void anUpdateMayMarkColumnsUnchanged() {
        ChangeEvent update = event(Op.UPDATE).after(Row.of(7L, new BigDecimal("2.50"), null)).unchanged(2).build();

        assertThat(update.hasUnchanged()).isTrue();
        assertThat(update.isUnchanged(2)).isTrue();
        assertThat(update.isUnchanged(1)).isFalse();
        assertThat(update.unchangedColumns()).containsExactly(2);
        assertThat(update).hasToString("UPDATE shop.orders at mem:1 after=[7, 2.50, null] unchanged=[2]");
        assertThat(event(Op.UPDATE).after(Row.of(7L, null, null)).build().unchangedColumns()).isEmpty();
    }

    @Test
    void unchangedColumnsAreCheckedAtBuild() {
        assertThatThrownBy(() -> event(Op.INSERT).after(Row.of(7L, null, null)).unchanged(2).build())
                .hasMessage("INSERT event on shop.orders cannot have unchanged columns: only an UPDATE can leave a "
                        + "value out");
        assertThatThrownBy(() -> event(Op.UPDATE).after(Row.of(7L, null, "x")).unchanged(2).build())
                .hasMessage("column 'note' of shop.orders is marked unchanged but has an after value; an unchanged "
                        + "column's after value is null");
        assertThatThrownBy(() -> event(Op.UPDATE).after(Row.of(7L, null, null)).unchanged(3).build())
                .hasMessage("unchanged column index 3 is outside the schema of shop.orders, which has 3 columns");
        assertThatThrownBy(() -> event(Op.UPDATE).unchanged(-1))
                .hasMessage("column index must not be negative, was -1");
    }

    @Test
    void valuesMustFitTheirColumns() {
        assertThatThrownBy(() -> event(Op.INSERT).after(Row.of(1, null, null)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'id' of shop.orders (after image): int64 takes a java.lang.Long, got a java.lang.Integer");
        assertThatThrownBy(() -> event(Op.INSERT).after(Row.of(1L, new BigDecimal("2.5"), null)).build())
                .hasMessageContaining("column 'total'").hasMessageContaining("scale 2");
        assertThatThrownBy(() -> event(Op.INSERT).after(Row.of(1L, null)).build())
                .hasMessageContaining("has 2 values but the schema has 3 columns");
    }

    @Test
    void requiredPartsAreNamed() {
        assertThatThrownBy(() -> ChangeEvent.builder(Op.INSERT, ORDERS, SCHEMA).after(Row.of(1L, null, null))
                .commitTime(T).build()).isInstanceOf(NullPointerException.class).hasMessage("offset");
        assertThatThrownBy(() -> ChangeEvent.builder(Op.INSERT, ORDERS, SCHEMA).after(Row.of(1L, null, null))
                .offset(new SeqOffset(1)).build()).isInstanceOf(NullPointerException.class).hasMessage("commitTime");
    }

    @Test
    void estimatesItsSizeFromItsValues() {
        byte[] megabyte = new byte[1 << 20];
        Schema blob = Schema.builder().column("b", Type.BYTES).build();
        ChangeEvent big = ChangeEvent.builder(Op.INSERT, ORDERS, blob).after(Row.of((Object) megabyte))
                .offset(new SeqOffset(1)).commitTime(T).build();
        ChangeEvent small = event(Op.INSERT).after(Row.of(1L, new BigDecimal("1.00"), "hello")).build();

        assertThat(big.estimatedSize()).isBetween(1 << 20, (1 << 20) + 512);
        assertThat(small.estimatedSize()).isBetween(100, 400);
    }

    @Test
    void rowsCompareByteArraysByContent() {
        assertThat(Row.of(new byte[] {1, 2}, "a")).isEqualTo(Row.of(new byte[] {1, 2}, "a"))
                .hasSameHashCodeAs(Row.of(new byte[] {1, 2}, "a"));
        assertThat(Row.of((Object) new byte[40]).toString()).contains("…(40 bytes)");
    }

    @Test
    void opCodesRoundTrip() {
        for (Op op : Op.values()) {
            assertThat(Op.fromCode(op.code())).isEqualTo(op);
        }
        assertThatThrownBy(() -> Op.fromCode('x')).hasMessageContaining("unknown operation code 'x'");
    }
}

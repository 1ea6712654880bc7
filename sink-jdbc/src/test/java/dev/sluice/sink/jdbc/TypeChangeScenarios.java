package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.util.List;

/** A column's type changes in the middle of a batch: compared with the target's actual columns. */
final class TypeChangeScenarios {

    private TypeChangeScenarios() {}

    private static Schema schema(Type qty, Type price, Type ratio) {
        return Schema.builder()
                .column(Column.of("id", Type.INT64).notNull())
                .column("qty", qty)
                .column("price", price)
                .column("ratio", ratio)
                .key("id")
                .build();
    }

    static void aWideningTypeChangeInABatchWidensTheTargetColumn(Db db) throws Exception {
        Events e = new Events(ApplyScenarios.ORDERS, schema(Type.INT32, Type.decimal(5, 2), Type.FLOAT32));
        ChangeEvent before = e.insert(1L, 5, new BigDecimal("123.45"), 0.5f);
        e.schema(schema(Type.INT64, Type.decimal(12, 4), Type.FLOAT64));
        ChangeEvent after = e.insert(2L, 5_000_000_000L, new BigDecimal("12345678.1234"), 0.1);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("widen"));
        try {
            sink.write(List.of(before, after));
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, qty, price, ratio FROM orders ORDER BY id"))
                .containsExactly("1|5|123.4500|0.5", "2|5000000000|12345678.1234|0.1");
    }

    static void anIncompatibleTypeChangeStopsAndAHandMadeFixUnsticksIt(Db db) throws Exception {
        Events e = new Events(ApplyScenarios.ORDERS, schema(Type.INT32, Type.decimal(5, 2), Type.FLOAT64));
        ChangeEvent first = e.insert(1L, 5, new BigDecimal("1.50"), 0.5);
        List<ChangeEvent> batch = List.of(e.update(1L, 6, new BigDecimal("1.50"), 0.5),
                e.schema(schema(Type.STRING, Type.decimal(5, 2), Type.FLOAT64)).insert(2L, "many", null, null));
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("retype"));
        try {
            sink.write(List.of(first));
            sink.flush();
            assertThatThrownBy(() -> sink.write(batch))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("column 'qty' of shop.orders now has type string")
                    .hasMessageContaining(db.postgres ? "is integer" : "is int")
                    .hasMessageContaining(db.postgres ? "ALTER COLUMN \"qty\" TYPE text" : "MODIFY COLUMN `qty` LONGTEXT");
        } finally {
            sink.close();
        }
        db.database.execute(db.postgres ? "ALTER TABLE orders ALTER COLUMN qty TYPE text"
                : "ALTER TABLE orders MODIFY COLUMN qty LONGTEXT NULL");
        // the same batch again, as the restarted pipeline replays it: the target's column now fits
        JdbcSink again = db.sink().build();
        again.open(ApplyScenarios.context("retype"));
        try {
            again.write(batch);
            again.flush();
        } finally {
            again.close();
        }
        assertThat(db.rows("SELECT id, qty, price FROM orders ORDER BY id")).containsExactly("1|6|1.50", "2|many|null");
    }
}

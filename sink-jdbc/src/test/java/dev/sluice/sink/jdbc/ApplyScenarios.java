package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.PipelineContext;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;

/** What the sink must do on every target database; each IT class runs these against its own server. */
final class ApplyScenarios {

    static final TableId ORDERS = TableId.of("shop", "orders");
    static final Schema ORDER = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("name", Type.STRING)
            .column("qty", Type.INT32)
            .key("id")
            .build();

    private ApplyScenarios() {}

    static PipelineContext context(String name) {
        return PipelineContext.of(name, Clock.systemUTC());
    }

    static void insertUpdateDeleteSequencesEndInTheSourceState(Db db) throws Exception {
        JdbcSink sink = db.sink().build();
        Events e = new Events(ORDERS, ORDER);
        sink.open(context("seq"));
        try {
            sink.write(List.of(
                    e.insert(1L, "a", 1), e.insert(2L, "b", 2), e.update(1L, "a2", 10), e.delete(2L, "b", 2),
                    e.insert(2L, "b2", 20), e.update(2L, "b3", 30), e.insert(3L, "c", 3), e.delete(3L, null, null),
                    e.insert(4L, "d", 4), e.update(new Object[] {4L, "d", 4}, 5L, "d", 5)));
            sink.flush();
            assertThat(db.rows("SELECT id, name, qty FROM orders ORDER BY id"))
                    .containsExactly("1|a2|10", "2|b3|30", "5|d|5");

            sink.write(List.of(e.read(9L, "z", 9), e.truncate(), e.insert(6L, "f", 6), e.insert(8L, "h", 8)));
            sink.flush();
            assertThat(db.rows("SELECT id, name, qty FROM orders ORDER BY id")).containsExactly("6|f|6", "8|h|8");

            // qty unchanged: kept; a missing row gets the unchanged column as NULL; merged with an earlier insert
            sink.write(List.of(e.updateLeaving(new int[] {2}, 6L, "g", null),
                    e.updateLeaving(new int[] {2}, 7L, "new", null),
                    e.insert(9L, "i", 9), e.updateLeaving(new int[] {2}, 9L, "i2", null),
                    e.updateLeaving(new int[] {1, 2}, 8L, null, null)));
            sink.flush();
            assertThat(db.rows("SELECT id, name, qty FROM orders ORDER BY id"))
                    .containsExactly("6|g|6", "7|new|null", "8|h|8", "9|i2|9");
        } finally {
            sink.close();
        }
    }

    static void softDeleteFlagsRowsInsteadOfDeleting(Db db) throws Exception {
        JdbcSink sink = db.sink().softDelete("_deleted").build();
        Events e = new Events(ORDERS, ORDER);
        sink.open(context("soft"));
        try {
            sink.write(List.of(e.insert(1L, "a", 1), e.insert(2L, "b", 2), e.delete(1L, "a", 1)));
            sink.flush();
            assertThat(db.rows("SELECT id, name, CASE WHEN _deleted THEN 'y' ELSE 'n' END FROM orders ORDER BY id"))
                    .containsExactly("1|a|y", "2|b|n");
            sink.write(List.of(e.insert(1L, "again", 1)));
            sink.flush();
            assertThat(db.rows("SELECT id, name, CASE WHEN _deleted THEN 'y' ELSE 'n' END FROM orders ORDER BY id"))
                    .containsExactly("1|again|n", "2|b|n");
            sink.write(List.of(e.truncate()));
            sink.flush();
            assertThat(db.rows("SELECT id, CASE WHEN _deleted THEN 'y' ELSE 'n' END FROM orders ORDER BY id"))
                    .containsExactly("1|y", "2|y");
        } finally {
            sink.close();
        }
    }

    /** Names with spaces, quotes of both kinds and mixed case; a column added in the middle of a batch. */
    static void createsTheTableOnTheFirstEventAndAddsAColumnMidStream(Db db) throws Exception {
        TableId table = TableId.of("shop", "Odd \"Tab`le");
        Schema v1 = Schema.builder()
                .column(Column.of("Id Key", Type.INT32).notNull())
                .column("Mixed Case", Type.STRING)
                .column("quo\"te`s", Type.STRING)
                .key("Id Key")
                .build();
        Schema v2 = Schema.builder()
                .column(Column.of("Id Key", Type.INT32).notNull())
                .column("Mixed Case", Type.STRING)
                .column("quo\"te`s", Type.STRING)
                .column("Added Later", Type.decimal(10, 2))
                .key("Id Key")
                .build();
        JdbcSink sink = db.sink().tableNaming(TableNaming.prefix("x ")).build();
        Events e = new Events(table, v1);
        sink.open(context("ddl"));
        try {
            var first = e.insert(1, "One", "it's \"quoted\"");
            var second = e.insert(2, "Two", null);
            e.schema(v2);
            var third = e.insert(3, "Three", "`", new BigDecimal("12.50"));
            var fourth = e.update(1, "One!", "x", new BigDecimal("-0.01"));
            sink.write(List.of(first, second, third, fourth));
            sink.flush();
            String t = db.q("x Odd \"Tab`le");
            assertThat(db.rows("SELECT " + db.q("Id Key") + ", " + db.q("Mixed Case") + ", " + db.q("quo\"te`s")
                    + ", " + db.q("Added Later") + " FROM " + t + " ORDER BY 1"))
                    .containsExactly("1|One!|x|-0.01", "2|Two|null|null", "3|Three|`|12.50");
        } finally {
            sink.close();
        }
    }

    static void aTableWithoutKeyStopsWithAFix(Db db) {
        Schema keyless = Schema.builder().column("a", Type.INT32).build();
        JdbcSink sink = db.sink().build();
        sink.open(context("nokey"));
        try {
            assertThatThrownBy(() -> sink.write(List.of(new Events(TableId.of("s", "logs"), keyless).insert(1))))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("has no key").hasMessageContaining("Fix:");
        } finally {
            sink.close();
        }
    }

    static void aDecimalThatWouldBeRoundedStopsWithAFix(Db db) throws Exception {
        db.database.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, name VARCHAR(20), qty NUMERIC(5,1))");
        Schema wide = Schema.builder()
                .column(Column.of("id", Type.INT64).notNull())
                .column("name", Type.STRING)
                .column("qty", Type.decimal())
                .key("id")
                .build();
        JdbcSink sink = db.sink().build();
        sink.open(context("round"));
        try {
            Events e = new Events(ORDERS, wide);
            sink.write(List.of(e.insert(1L, "ok", new BigDecimal("1234.50"))));
            sink.flush();
            assertThatThrownBy(() -> sink.write(List.of(e.insert(2L, "no", new BigDecimal("1.25")))))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("1.25").hasMessageContaining("without rounding");
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, qty FROM orders")).containsExactly("1|1234.5");
    }
}

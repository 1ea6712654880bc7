package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableFilterTest {

    @Test
    void includesAndExcludesByGlob() {
        TableFilter filter = TableFilter.include("shop.*", "*.audit_log").exclude("shop.tmp_*", "shop.order_?");

        assertThat(filter.test(TableId.of("shop", "orders"))).isTrue();
        assertThat(filter.test(TableId.of("billing", "audit_log"))).isTrue();
        assertThat(filter.test(TableId.of("shop", "tmp_import"))).isFalse();
        assertThat(filter.test(TableId.of("shop", "order_1"))).isFalse();
        assertThat(filter.test(TableId.of("shop", "order_12"))).isTrue();
        assertThat(filter.test(TableId.of("billing", "invoices"))).isFalse();
        assertThat(filter).hasToString("tables shop.*, *.audit_log except shop.tmp_*, shop.order_?");
    }

    @Test
    void patternCharactersOtherThanStarAndQuestionMarkAreLiteral() {
        TableFilter filter = TableFilter.include("my-db.t(1)+[x]");
        assertThat(filter.test(TableId.of("my-db", "t(1)+[x]"))).isTrue();
        assertThat(filter.test(TableId.of("my-db", "t1"))).isFalse();
        assertThat(TableFilter.include("Shop.Orders").test(TableId.of("shop", "orders"))).as("case-sensitive").isFalse();
    }

    @Test
    void noIncludesMeansEveryTable() {
        assertThat(TableFilter.all().test(TableId.of("a", "b"))).isTrue();
        assertThat(TableFilter.all().exclude("a.*").test(TableId.of("a", "b"))).isFalse();
        assertThatThrownBy(() -> TableFilter.include(" ")).hasMessageContaining("use '*' for every table");
    }
}

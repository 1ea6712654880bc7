package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableFilter;
import dev.sluice.TableId;
import org.junit.jupiter.api.Test;

class FilterStampTest {

    @Test
    void aShortFilterIsRecordedAsItsCanonicalText() {
        FilterStamp stamp = FilterStamp.of(TableFilter.include("shop.orders", "shop.a*", "shop.orders")
                .exclude("shop.audit_log"));
        assertThat(stamp.encode()).isEqualTo("shop.a*,shop.orders/shop.audit_log");
        TableFilter back = FilterStamp.decode(stamp.encode()).filter();
        assertThat(back.test(TableId.of("shop", "orders"))).isTrue();
        assertThat(back.test(TableId.of("shop", "accounts"))).isTrue();
        assertThat(back.test(TableId.of("shop", "audit_log"))).isFalse();
        assertThat(back.test(TableId.of("shop", "items"))).isFalse();
        assertThat(FilterStamp.decode(stamp.encode())).isEqualTo(stamp);
    }

    @Test
    void theOrderOfPatternsDoesNotMatter() {
        assertThat(FilterStamp.of(TableFilter.include("b.*", "a.*")).sameSelection(
                FilterStamp.of(TableFilter.include("a.*", "b.*")))).isTrue();
        assertThat(FilterStamp.of(TableFilter.include("a.*")).sameSelection(
                FilterStamp.of(TableFilter.include("a.*", "b.*")))).isFalse();
        assertThat(FilterStamp.of(TableFilter.include("a.*")).sameSelection(
                FilterStamp.of(TableFilter.include("a.*").exclude("a.x")))).isFalse();
    }

    @Test
    void everyTableAndExcludesOnly() {
        assertThat(FilterStamp.of(TableFilter.all()).encode()).isEqualTo("*");
        assertThat(FilterStamp.decode("*").filter().test(TableId.of("x", "y"))).isTrue();
        FilterStamp except = FilterStamp.of(TableFilter.all().exclude("x.y"));
        assertThat(except.encode()).isEqualTo("*/x.y");
        assertThat(FilterStamp.decode(except.encode()).filter().test(TableId.of("x", "y"))).isFalse();
        assertThat(FilterStamp.decode(except.encode()).filter().test(TableId.of("x", "z"))).isTrue();
    }

    @Test
    void theTextHoldsNoSeparatorOfAnOffset() {
        FilterStamp stamp = FilterStamp.of(TableFilter.include("we;ird=db.t,1/2~3:4", "sp ace.plus+"));
        assertThat(stamp.encode()).doesNotContain(";", "=", "~", ":").contains(",");
        TableFilter back = FilterStamp.decode(stamp.encode()).filter();
        assertThat(back.test(TableId.of("we;ird=db", "t,1/2~3:4"))).isTrue();
        assertThat(back.test(TableId.of("sp ace", "plus+"))).isTrue();
        assertThat(back.includes()).containsExactlyInAnyOrder("we;ird=db.t,1/2~3:4", "sp ace.plus+");
    }

    @Test
    void aLongFilterIsRecordedByItsHashOnly() {
        String[] many = new String[20];
        for (int i = 0; i < many.length; i++) {
            many[i] = "inventory.table_number_" + i;
        }
        FilterStamp stamp = FilterStamp.of(TableFilter.include(many));
        assertThat(stamp.encode()).startsWith("sha256:").hasSize("sha256:".length() + 32);
        FilterStamp back = FilterStamp.decode(stamp.encode());
        assertThat(back.filter()).as("the filter itself is not known").isNull();
        assertThat(stamp.filter()).as("not even before it was encoded").isNull();
        assertThat(back).isEqualTo(stamp);
        assertThat(back.sameSelection(stamp)).isTrue();
        assertThat(stamp.sameSelection(back)).isTrue();
        many[3] = "inventory.other";
        assertThat(back.sameSelection(FilterStamp.of(TableFilter.include(many)))).isFalse();
        assertThat(back.sameSelection(FilterStamp.of(TableFilter.include("inventory.*")))).isFalse();
    }

    @Test
    void aFilterJustAtTheLimitIsRecordedAsText() {
        String pattern = "d." + "t".repeat(FilterStamp.MAX_TEXT - 2);
        assertThat(FilterStamp.of(TableFilter.include(pattern)).encode()).isEqualTo(pattern);
        assertThat(FilterStamp.of(TableFilter.include(pattern + "u")).encode()).startsWith("sha256:");
    }

    @Test
    void badTextsAreRefused() {
        assertThatThrownBy(() -> FilterStamp.decode("sha256:xyz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilterStamp.decode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilterStamp.decode("a.b,,c.d")).isInstanceOf(IllegalArgumentException.class);
    }
}

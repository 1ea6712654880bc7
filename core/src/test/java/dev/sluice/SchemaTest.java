package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void findsColumnsAndKeyInKeyOrder() {
        Schema schema = Schema.builder()
                .column("region", Type.STRING)
                .column(Column.of("id", Type.INT64).notNull().withSourceType("bigint"))
                .column("payload", Type.JSON)
                .key("id", "region")
                .build();

        assertThat(schema.size()).isEqualTo(3);
        assertThat(schema.indexOf("payload")).isEqualTo(2);
        assertThat(schema.indexOf("missing")).isEqualTo(-1);
        assertThat(schema.keyIndexes()).containsExactly(1, 0);
        assertThat(schema.keyColumns()).extracting(Column::name).containsExactly("id", "region");
        assertThat(schema.column(1).sourceType()).isEqualTo("bigint");
        assertThat(schema).hasToString("(region string, id int64 not null, payload json) key [id, region]");
    }

    @Test
    void schemasAreValues() {
        Schema a = Schema.of(List.of(Column.of("id", Type.INT32)), List.of("id"));
        assertThat(a).isEqualTo(Schema.of(List.of(Column.of("id", Type.INT32)), List.of("id"))).hasSameHashCodeAs(
                Schema.of(List.of(Column.of("id", Type.INT32)), List.of("id")));
        assertThat(a).isNotEqualTo(Schema.of(List.of(Column.of("id", Type.INT64)), List.of("id")));
        assertThat(a).isNotEqualTo(Schema.of(List.of(Column.of("id", Type.INT32)), List.of()));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> Schema.builder().column("a", Type.INT32).column("a", Type.STRING).build())
                .hasMessage("column 'a' appears twice in the schema");
        assertThatThrownBy(() -> Schema.builder().column("a", Type.INT32).key("b").build())
                .hasMessage("key column 'b' is not among the columns [a]");
        assertThatThrownBy(() -> Column.of("geom", Type.UNKNOWN))
                .hasMessageContaining("must name its source type");
        assertThatThrownBy(() -> TableId.of("", "t")).hasMessageContaining("non-empty");
    }
}

package dev.sluice.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Interval;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.testkit.SeqOffset;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChangeEventJsonTest {

    private static final Schema SCHEMA = Schema.builder()
            .column("id", Type.INT64).column("price", Type.decimal(38, 4)).column("note", Type.STRING)
            .column("doc", Type.JSON).column("at", Type.TIMESTAMP_TZ).column("local", Type.TIMESTAMP)
            .column("raw", Type.BYTES).column("ratio", Type.FLOAT64).column("tags", Type.arrayOf(Type.INT32))
            .key("id").build();

    @Test
    void anUpdateBecomesOneObjectWithBothImages() {
        ChangeEvent event = ChangeEvent.builder(Op.UPDATE, TableId.of("shop", "items"), SCHEMA)
                .before(Row.of(7L, new BigDecimal("1.5000"), "old", "{\"a\": 1}", Instant.parse("2024-02-29T12:45:00Z"),
                        LocalDateTime.parse("2024-02-29T13:45:00.000001"), new byte[] {1, 2, (byte) 0xff}, 0.5,
                        List.of(1, 2)))
                .after(Row.of(7L, new BigDecimal("99999999999999999999999999999999.9999"), "new 😀", null, null,
                        null, null, Double.NaN, Arrays.asList(3, null)))
                .offset(new SeqOffset(42)).commitTime(Instant.parse("2024-03-01T00:00:00Z")).transactionId("tx9")
                .build();

        String json = ChangeEventJson.toJson(event);

        assertThat(json).isEqualTo("{\"op\":\"UPDATE\",\"namespace\":\"shop\",\"table\":\"items\",\"key\":[\"id\"],"
                + "\"before\":{\"id\":7,\"price\":\"1.5000\",\"note\":\"old\",\"doc\":{\"a\":1},"
                + "\"at\":\"2024-02-29T12:45:00Z\",\"local\":\"2024-02-29T13:45:00.000001\",\"raw\":\"AQL/\","
                + "\"ratio\":0.5,\"tags\":[1,2]},"
                + "\"after\":{\"id\":7,\"price\":\"99999999999999999999999999999999.9999\",\"note\":\"new 😀\","
                + "\"doc\":null,\"at\":null,\"local\":null,\"raw\":null,\"ratio\":\"NaN\",\"tags\":[3,null]},"
                + "\"unchanged\":[],\"offset\":\"mem:42\",\"commitTime\":\"2024-03-01T00:00:00Z\","
                + "\"transactionId\":\"tx9\"}");
        assertThat(Json.parse(json)).isEqualTo(Json.parse(Json.write(ChangeEventJson.toMap(event))));
    }

    @Test
    void theMapHoldsJavaValuesOfTheJsonModel() {
        ChangeEvent event = ChangeEvent.builder(Op.INSERT, TableId.of("shop", "items"), SCHEMA)
                .after(Row.of(1L, new BigDecimal("0.0001"), "x", "[true, 1e400]", null, null, null,
                        Double.NEGATIVE_INFINITY, List.of()))
                .offset(new SeqOffset(1)).commitTime(Instant.EPOCH).build();

        Map<String, Object> map = ChangeEventJson.toMap(event);

        assertThat(map.get("before")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) map.get("after");
        assertThat(after.get("id")).isEqualTo(1L);
        assertThat(after.get("price")).isEqualTo("0.0001");
        assertThat(after.get("doc")).isEqualTo(List.of(true, new BigDecimal("1e400"))); // embedded, exact
        assertThat(after.get("ratio")).isEqualTo("-Infinity");
        assertThat(after.get("tags")).isEqualTo(List.of());
    }

    @Test
    void everyKindMapsAsDocumented() {
        assertThat(ChangeEventJson.value(true, Type.BOOLEAN)).isEqualTo(true);
        assertThat(ChangeEventJson.value((short) -3, Type.INT16)).isEqualTo((short) -3);
        assertThat(ChangeEventJson.value(Long.MAX_VALUE, Type.INT64)).isEqualTo(Long.MAX_VALUE);
        assertThat(ChangeEventJson.value(Float.POSITIVE_INFINITY, Type.FLOAT32)).isEqualTo("Infinity");
        assertThat(ChangeEventJson.value(1.25f, Type.FLOAT32)).isEqualTo(1.25f);
        assertThat(ChangeEventJson.value(new BigDecimal("1E+3"), Type.decimal())).isEqualTo("1000");
        assertThat(ChangeEventJson.value(new byte[0], Type.BYTES)).isEqualTo("");
        assertThat(ChangeEventJson.value(LocalDate.of(-44, 3, 15), Type.DATE)).isEqualTo("-0044-03-15");
        assertThat(ChangeEventJson.value(LocalTime.of(23, 59, 59, 999_999_000), Type.TIME))
                .isEqualTo("23:59:59.999999");
        assertThat(ChangeEventJson.value(new Interval(14, -3, 5), Type.INTERVAL)).isEqualTo("P1Y2M-3DT0.000005S");
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(ChangeEventJson.value(uuid, Type.UUID)).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        assertThat(ChangeEventJson.value("b", Type.enumOf(List.of("a", "b")))).isEqualTo("b");
        assertThat(ChangeEventJson.value("\u0000\n𝄞", Type.STRING)).isEqualTo("\u0000\n𝄞");
        assertThat(Json.write(ChangeEventJson.value("\u0000\n𝄞", Type.STRING))).isEqualTo("\"\\u0000\\n𝄞\"");
        assertThat(ChangeEventJson.value(List.of(List.of("{}")), Type.arrayOf(Type.arrayOf(Type.JSON))))
                .isEqualTo(List.of(List.of(Map.of())));
    }

    @Test
    void aJsonColumnThatIsNotJsonOrAValueOfAnotherTypeIsRefusedNamingTheColumn() {
        ChangeEvent event = ChangeEvent.builder(Op.INSERT, TableId.of("shop", "items"),
                Schema.builder().column("id", Type.INT64).column("doc", Type.JSON).key("id").build())
                .after(Row.of(1L, "{not json")).offset(new SeqOffset(1)).commitTime(Instant.EPOCH).build();
        assertThatThrownBy(() -> ChangeEventJson.toJson(event)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'doc'").hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ChangeEventJson.value("7", Type.INT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not of type");
    }
}

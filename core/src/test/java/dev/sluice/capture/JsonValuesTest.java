package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.Type;
import dev.sluice.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    private static Object decode(String json, Type type) {
        return JsonValues.decode(Json.parse(json), Column.of("c", type));
    }

    @Test
    void decimalsKeepTheirDeclaredScaleExactly() {
        assertThat(decode("12.3", Type.decimal(10, 2))).isEqualTo(new BigDecimal("12.30"));
        assertThat(decode("123456789012345678901234567890.123456789", Type.decimal()))
                .isEqualTo(new BigDecimal("123456789012345678901234567890.123456789"));
        assertThatThrownBy(() -> decode("1.234", Type.decimal(10, 2))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timesAreNeverShifted() {
        assertThat(decode("\"2024-03-31T02:30:00.123456\"", Type.TIMESTAMP))
                .isEqualTo(LocalDateTime.parse("2024-03-31T02:30:00.123456"));
        assertThat(decode("\"2024-03-31 02:30:00.000001\"", Type.TIMESTAMP))
                .isEqualTo(LocalDateTime.parse("2024-03-31T02:30:00.000001"));
        assertThat(decode("\"2024-01-01T10:00:00.5+05:30\"", Type.TIMESTAMP_TZ))
                .isEqualTo(Instant.parse("2024-01-01T04:30:00.5Z"));
        assertThat(decode("\"2024-01-01T10:00:00-03\"", Type.TIMESTAMP_TZ))
                .isEqualTo(Instant.parse("2024-01-01T13:00:00Z"));
        assertThat(decode("1704103200.000001", Type.TIMESTAMP_TZ))
                .isEqualTo(Instant.parse("2024-01-01T10:00:00.000001Z"));
        assertThat(decode("\"2024-02-29\"", Type.DATE)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(decode("\"23:59:59.999999\"", Type.TIME)).isEqualTo(LocalTime.parse("23:59:59.999999"));
    }

    @Test
    void scalarsBytesUuidsJsonAndArrays() {
        assertThat(decode("1", Type.BOOLEAN)).isEqualTo(true);
        assertThat(decode("false", Type.BOOLEAN)).isEqualTo(false);
        assertThat(decode("-32768", Type.INT16)).isEqualTo((short) -32768);
        assertThat(decode("9223372036854775807", Type.INT64)).isEqualTo(Long.MAX_VALUE);
        assertThat(decode("0.1", Type.FLOAT64)).isEqualTo(0.1d);
        assertThat(decode("\"NaN\"", Type.FLOAT32)).isEqualTo(Float.NaN);
        assertThat((byte[]) decode("\"\\\\x00ff10\"", Type.BYTES)).containsExactly(0, 255, 16);
        assertThat((byte[]) decode("\"AP8Q\"", Type.BYTES)).containsExactly(0, 255, 16);
        UUID id = UUID.randomUUID();
        assertThat(decode("\"" + id + "\"", Type.UUID)).isEqualTo(id);
        assertThat(decode("{\"a\": [1, \"x\"]}", Type.JSON)).isEqualTo("{\"a\": [1, \"x\"]}");
        assertThat(decode("[1, null, 3]", Type.arrayOf(Type.INT32))).isEqualTo(java.util.Arrays.asList(1, null, 3));
        assertThat(decode("\"héllo 😀\"", Type.STRING)).isEqualTo("héllo 😀");
        assertThat(decode("null", Type.STRING)).isNull();
    }

    @Test
    void anOverflowNamesTheColumnAndType() {
        assertThatThrownBy(() -> decode("40000", Type.INT16))
                .hasMessageContaining("column 'c'").hasMessageContaining("int16");
    }
}

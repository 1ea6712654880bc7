package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TypeTest {

    @Test
    void eachKindTakesItsDocumentedJavaClass() {
        assertThat(Type.BOOLEAN.accepts(true)).isTrue();
        assertThat(Type.INT16.accepts((short) 1)).isTrue();
        assertThat(Type.INT16.accepts(1)).isFalse();
        assertThat(Type.INT32.accepts(1)).isTrue();
        assertThat(Type.INT64.accepts(1L)).isTrue();
        assertThat(Type.INT64.accepts(1)).isFalse();
        assertThat(Type.FLOAT32.accepts(1f)).isTrue();
        assertThat(Type.FLOAT64.accepts(1d)).isTrue();
        assertThat(Type.STRING.accepts("x")).isTrue();
        assertThat(Type.BYTES.accepts(new byte[] {1})).isTrue();
        assertThat(Type.DATE.accepts(LocalDate.of(1969, 12, 31))).isTrue();
        assertThat(Type.TIME.accepts(LocalTime.of(23, 59, 59, 999_999_000))).isTrue();
        assertThat(Type.TIMESTAMP.accepts(LocalDateTime.of(2024, 3, 31, 2, 30))).isTrue();
        assertThat(Type.TIMESTAMP.accepts(Instant.EPOCH)).as("an instant is not a local time").isFalse();
        assertThat(Type.TIMESTAMP_TZ.accepts(Instant.parse("1900-01-01T00:00:00Z"))).isTrue();
        assertThat(Type.UUID.accepts(UUID.randomUUID())).isTrue();
        assertThat(Type.JSON.accepts("{\"a\":1}")).isTrue();
        assertThat(Type.enumOf(List.of("a", "b")).accepts("a")).isTrue();
        assertThat(Type.UNKNOWN.accepts("POINT(1 2)")).isTrue();
        assertThat(Type.STRING.accepts(null)).isTrue();
    }

    @Test
    void timesKeepAtMostMicroseconds() {
        assertThat(Type.TIMESTAMP_TZ.accepts(Instant.ofEpochSecond(0, 1_000))).isTrue();
        assertThat(Type.TIMESTAMP_TZ.accepts(Instant.ofEpochSecond(0, 1))).isFalse();
        assertThat(Type.TIME.rejection(LocalTime.of(0, 0, 0, 5))).contains("keeps at most microseconds");
    }

    @Test
    void aDecimalHasExactlyItsScaleAndAtMostItsPrecision() {
        Type money = Type.decimal(12, 2);
        assertThat(money.accepts(new BigDecimal("1234567890.12"))).isTrue();
        assertThat(money.accepts(new BigDecimal("12.5"))).as("scale 1, not 2").isFalse();
        assertThat(money.accepts(new BigDecimal("12345678901.00"))).as("13 digits").isFalse();
        assertThat(money.rejection(new BigDecimal("12.5"))).isEqualTo(
                "decimal(12,2) takes values of scale 2 and at most 12 digits, got 12.5");
        assertThat(Type.decimal(38, 10).accepts(new BigDecimal("1234567890123456789012345678.0123456789"))).isTrue();
        assertThat(Type.decimal().accepts(new BigDecimal("1e-40"))).isTrue();
        assertThat(Type.decimal().hasPrecision()).isFalse();
    }

    @Test
    void arraysCheckTheirElements() {
        Type ints = Type.arrayOf(Type.INT32);
        assertThat(ints.accepts(Arrays.asList(1, null, 3))).isTrue();
        assertThat(ints.accepts(List.of(1L))).isFalse();
        assertThat(ints.rejection(List.of("x"))).startsWith("an element of array<int32>: int32 takes a java.lang.Integer");
    }

    @Test
    void typesAreValuesWithReadableNames() {
        assertThat(Type.decimal(12, 2)).isEqualTo(Type.decimal(12, 2)).hasSameHashCodeAs(Type.decimal(12, 2))
                .isNotEqualTo(Type.decimal(12, 3));
        assertThat(Type.arrayOf(Type.STRING)).isEqualTo(Type.arrayOf(Type.STRING));
        assertThat(Type.decimal(12, 2)).hasToString("decimal(12,2)");
        assertThat(Type.arrayOf(Type.TIMESTAMP_TZ)).hasToString("array<timestamp_tz>");
        assertThat(Type.enumOf(List.of("s", "m"))).hasToString("enum[s, m]");
        assertThat(Type.decimal()).hasToString("decimal");
        assertThat(Type.TIMESTAMP_TZ.javaType()).isEqualTo(Instant.class);
    }

    @Test
    void badDecimalDeclarationsSayWhatIsAllowed() {
        assertThatThrownBy(() -> Type.decimal(0, 0)).hasMessageContaining("between 1 and 1000, was 0");
        assertThatThrownBy(() -> Type.decimal(5, 6)).hasMessageContaining("between 0 and the precision 5, was 6");
        assertThatThrownBy(() -> Type.decimal(5, -1)).hasMessageContaining("was -1");
    }

    @Test
    void intervalsKeepTheirPartsApart() {
        assertThat(Type.INTERVAL.accepts(new Interval(1, 30, 0))).isTrue();
        assertThat(Type.INTERVAL.accepts(java.time.Duration.ofHours(1))).isFalse();
        assertThat(new Interval(1, 0, 0)).isNotEqualTo(new Interval(0, 30, 0));
        assertThat(new Interval(14, 3, 14_706_000_007L)).hasToString("P1Y2M3DT4H5M6.000007S");
        assertThat(Interval.ofMicros(-(838L * 3600 + 59 * 60 + 59) * 1_000_000)).hasToString("PT-838H-59M-59S");
        assertThat(Interval.ofMicros(-1_500_000)).hasToString("PT-1.500000S");
        assertThat(new Interval(0, 0, 0)).hasToString("PT0S");
        assertThat(new Interval(0, -2, 0)).hasToString("P-2D");
    }
}

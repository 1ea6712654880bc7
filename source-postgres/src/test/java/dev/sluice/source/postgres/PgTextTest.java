package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgTextTest {

    /** -infinity: the smallest whole second whose microseconds fit 64 bits. */
    private static final long MINUS_INFINITY_MICROS = Long.MIN_VALUE / 1_000_000L * 1_000_000L;


    @Test
    void datesIncludingBcLargeYearsAndInfinity() {
        assertThat(PgText.parseDate("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(PgText.parseDate("0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(PgText.parseDate("0001-01-01 BC")).isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(PgText.parseDate("10000-01-01")).isEqualTo(LocalDate.of(10000, 1, 1));
        assertThat(PgText.parseDate("infinity").toEpochDay()).isEqualTo(Integer.MAX_VALUE);
        assertThat(PgText.parseDate("-infinity").toEpochDay()).isEqualTo(-Integer.MAX_VALUE);
        // the extremes PostgreSQL accepts stay finite and below the infinity values
        assertThat(PgText.parseDate("5874897-12-31")).isEqualTo(LocalDate.of(5874897, 12, 31));
        assertThat(PgText.parseDate("4714-11-24 BC")).isEqualTo(LocalDate.of(-4713, 11, 24));
    }

    @Test
    void timesKeepMicrosecondsAndMapTwentyFourOClock() {
        assertThat(PgText.parseTime("13:45:00")).isEqualTo(LocalTime.of(13, 45));
        assertThat(PgText.parseTime("13:45:00.5")).isEqualTo(LocalTime.of(13, 45, 0, 500_000_000));
        assertThat(PgText.parseTime("00:00:00.000001")).isEqualTo(LocalTime.of(0, 0, 0, 1_000));
        assertThat(PgText.parseTime("24:00:00")).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThatThrownBy(() -> PgText.parseTime("1:2:3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestampsAreNeverShifted() {
        assertThat(PgText.parseTimestamp("2024-03-31 02:30:00")).isEqualTo(LocalDateTime.of(2024, 3, 31, 2, 30));
        assertThat(PgText.parseTimestamp("1969-12-31 23:59:59.999999"))
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(PgText.parseTimestamp("0044-03-15 12:00:00 BC")).isEqualTo(LocalDateTime.of(-43, 3, 15, 12, 0));
        assertThat(PgText.parseTimestamp("infinity")).isEqualTo(LocalDateTime.parse("+294247-01-10T04:00:54.775807"));
        assertThat(PgText.parseTimestamp("-infinity")).isEqualTo(LocalDateTime.parse("-290308-12-21T19:59:06"));
        assertThat(PgText.parseTimestamp("4714-11-24 00:00:00 BC")).isEqualTo(LocalDateTime.of(-4713, 11, 24, 0, 0));
        assertThat(PgText.parseTimestamp("294247-01-10 04:00:54.775806"))
                .isEqualTo(LocalDateTime.parse("+294247-01-10T04:00:54.775806"));
    }

    @Test
    void timestampsWithTimeZoneBecomeInstantsWhateverTheOffset() {
        assertThat(PgText.parseTimestampTz("2024-03-31 02:30:00.5+02"))
                .isEqualTo(Instant.parse("2024-03-31T00:30:00.500Z"));
        assertThat(PgText.parseTimestampTz("2024-03-31 02:30:00-03:30")).isEqualTo(Instant.parse("2024-03-31T06:00:00Z"));
        assertThat(PgText.parseTimestampTz("1900-01-01 00:53:28+00:53:28")).isEqualTo(Instant.parse("1900-01-01T00:00:00Z"));
        assertThat(PgText.parseTimestampTz("0044-03-15 12:00:00+00 BC")).isEqualTo(Instant.parse("-0043-03-15T12:00:00Z"));
        assertThat(micros(PgText.parseTimestampTz("-infinity"))).isEqualTo(MINUS_INFINITY_MICROS);
        assertThat(micros(PgText.parseTimestampTz("infinity"))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timestampsBeyondSixtyFourBitMicrosecondsAreRefusedNotWrapped() {
        // PostgreSQL accepts years up to 294276: those after the infinity stand-in cannot be carried
        for (String text : List.of("294247-01-10 04:00:54.775807", "294276-12-31 23:59:59.999999")) {
            assertThatThrownBy(() -> PgText.parseTimestamp(text)).isInstanceOf(UnrepresentableValueException.class)
                    .hasMessageContaining(text);
            assertThatThrownBy(() -> PgText.parseTimestampTz(text + "+00"))
                    .isInstanceOf(UnrepresentableValueException.class);
        }
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    @Test
    void timestampsWithTimeZoneParseExactlyAcrossRandomValuesAndOffsets() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
                    random.nextInt(1_000_000) * 1000L);
            int offsetSeconds = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(-15, 15) * 3600;
                case 1 -> random.nextInt(-15 * 4, 15 * 4) * 900;
                default -> random.nextInt(-15 * 3600, 15 * 3600);
            };
            java.time.ZoneOffset offset = java.time.ZoneOffset.ofTotalSeconds(offsetSeconds);
            LocalDateTime local = LocalDateTime.ofInstant(instant, offset);
            String text = postgresText(local, offset);
            assertThat(PgText.parseTimestampTz(text)).as(text).isEqualTo(instant);
        }
    }

    @Test
    void malformedTimestampsWithTimeZoneAreRefusedNotGuessed() {
        for (String bad : new String[] {"2024-03-31 02:30:00", "2024-03-31 02:30:00.+02", "2024-02-30 02:30:00+02",
            "2024-03-31 02:30:00.1234567+02", "2024-03-31 02:30:00+02:", "2024-03-31 02:30:00+02:61",
            "2024-03-31 2:30:00+02", "2024-03-31T02:30:00+02", "2024-13-01 00:00:00+00"}) {
            assertThatThrownBy(() -> PgText.parseTimestampTz(bad)).as(bad).isInstanceOf(RuntimeException.class);
        }
    }

    /** What PostgreSQL prints with DateStyle=ISO: fraction without trailing zeros, offset as +HH[:MM[:SS]]. */
    private static String postgresText(LocalDateTime local, java.time.ZoneOffset offset) {
        String fraction = local.getNano() == 0 ? ""
                : ("." + String.format("%06d", local.getNano() / 1000)).replaceAll("0+$", "");
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        String zone = (total < 0 ? "-" : "+") + String.format("%02d", abs / 3600)
                + (abs % 3600 == 0 ? "" : String.format(":%02d", abs % 3600 / 60))
                + (abs % 60 == 0 ? "" : String.format(":%02d", abs % 60));
        boolean bc = local.getYear() <= 0;
        int year = bc ? 1 - local.getYear() : local.getYear();
        return String.format("%04d-%02d-%02d %02d:%02d:%02d", year, local.getMonthValue(), local.getDayOfMonth(),
                local.getHour(), local.getMinute(), local.getSecond()) + fraction + zone + (bc ? " BC" : "");
    }

    @Test
    void intervalsKeepMonthsDaysAndMicrosApart() {
        assertThat(PgText.parseInterval("P1Y2M3DT4H5M6.000007S")).isEqualTo(new Interval(14, 3, 14_706_000_007L));
        assertThat(PgText.parseInterval("PT0S")).isEqualTo(new Interval(0, 0, 0));
        assertThat(PgText.parseInterval("P-1D")).isEqualTo(new Interval(0, -1, 0));
        assertThat(PgText.parseInterval("PT-0.5S")).isEqualTo(new Interval(0, 0, -500_000));
        assertThat(PgText.parseInterval("P-1Y-2M3DT-4H-5M-6.25S"))
                .isEqualTo(new Interval(-14, 3, -(4 * 3_600_000_000L + 5 * 60_000_000L + 6_250_000L)));
        assertThatThrownBy(() -> PgText.parseInterval("1 day")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteaIsHex() {
        assertThat(PgText.parseBytea("\\x00ff10")).containsExactly(0, 255, 16);
        assertThat(PgText.parseBytea("\\x")).isEmpty();
        assertThatThrownBy(() -> PgText.parseBytea("abc")).hasMessageContaining("bytea_output must be hex");
    }

    @Test
    void numericNaNAndInfinityFailNamingColumnAndFix() {
        assertThat(TypeResolver.parseNumeric("-12.3400", "c")).isEqualTo(new BigDecimal("-12.3400"));
        for (String special : List.of("NaN", "Infinity", "-Infinity")) {
            assertThatThrownBy(() -> TypeResolver.parseNumeric(special, "public.t.price"))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("column public.t.price holds the numeric value " + special)
                    .hasMessageContaining("numericMode(NumericMode.TEXT)");
        }
    }

    @Test
    void arraysWithQuotesEscapesAndNulls() {
        ValueParser text = (t, c) -> t;
        assertThat(PgArrays.parse("{}", "c", text)).isEmpty();
        assertThat(PgArrays.parse("{a,\"b c\",NULL,\"NULL\",\"q\\\"x\",\"back\\\\slash\",\"\"}", "c", text))
                .isEqualTo(Arrays.asList("a", "b c", null, "NULL", "q\"x", "back\\slash", ""));
        assertThat(PgArrays.parse("{1,-2,NULL}", "c", (t, c) -> Integer.valueOf(t)))
                .isEqualTo(Arrays.asList(1, -2, null));
        assertThat(Type.arrayOf(Type.INT32).accepts(PgArrays.parse("{1,NULL}", "c", (t, c) -> Integer.valueOf(t))))
                .isTrue();
    }

    @Test
    void multiDimensionalArraysAndCustomBoundsAreRefused() {
        assertThatThrownBy(() -> PgArrays.parse("{{1,2},{3,4}}", "t.m", (t, c) -> t))
                .hasMessageContaining("column 't.m': multi-dimensional arrays cannot be captured");
        assertThatThrownBy(() -> PgArrays.parse("[0:1]={1,2}", "t.b", (t, c) -> t))
                .hasMessageContaining("only one-dimensional arrays with the default lower bound 1");
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class BinlogValuesTest {

    private static final long HOUR = 3_600_000_000L;

    @Test
    void timeKeepsSignAndHoursBeyondADayAtEveryPrecision() throws IOException {
        long[] values = {0, 1, -1, 500_000, -500_000, -1_500_000, 838 * HOUR + 59 * 60_000_000L + 59_000_000L,
                -(838 * HOUR + 59 * 60_000_000L + 59_000_000L), 25 * HOUR + 123_456, -(25 * HOUR + 123_456),
                -999_999, -1_000_001};
        for (int fsp = 0; fsp <= 6; fsp++) {
            long unit = (long) Math.pow(10, 6 - fsp);
            for (long micros : values) {
                long truncated = micros / unit * unit; // the column keeps fsp digits
                assertThat(BinlogValues.time2Micros(fsp, in(encodeTime2(truncated, fsp))))
                        .as("TIME(%d) %d µs", fsp, truncated).isEqualTo(truncated);
            }
        }
    }

    @Test
    void datetimeIsReadAsWrittenWithMicroseconds() throws IOException {
        LocalDateTime value = LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_000);
        assertThat(BinlogValues.datetime2(6, in(encodeDatetime2(value, 6)))).isEqualTo(value);
        assertThat(BinlogValues.datetime2(3, in(encodeDatetime2(value.withNano(123_000_000), 3))))
                .isEqualTo(value.withNano(123_000_000));
        assertThat(BinlogValues.datetime2(0, in(encodeDatetime2(LocalDateTime.of(9999, 12, 31, 23, 59, 59), 0))))
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59));
    }

    @Test
    void zeroDatesReadAsNull() throws IOException {
        byte[] zero = new byte[] {(byte) 0x80, 0, 0, 0, 0};
        assertThat(BinlogValues.datetime2(0, in(zero))).isNull();
        assertThat(BinlogValues.date(in(new byte[3]))).isNull();
        assertThat(BinlogValues.timestamp2(0, in(new byte[4]))).isNull();
        // 2024-00-10: a zero month
        int partlyZero = (2024 << 9) | 10;
        assertThat(BinlogValues.date(in(new byte[] {(byte) partlyZero, (byte) (partlyZero >> 8),
                (byte) (partlyZero >> 16)}))).isNull();
    }

    @Test
    void dateAndTimestampAndYear() throws IOException {
        int date = (1000 << 9) | (1 << 5) | 1;
        assertThat(BinlogValues.date(in(new byte[] {(byte) date, (byte) (date >> 8), (byte) (date >> 16)})))
                .isEqualTo(LocalDate.of(1000, 1, 1));
        assertThat(BinlogValues.timestamp2(6, in(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x42,
                0x3F}))).isEqualTo(Instant.ofEpochSecond(Integer.MAX_VALUE, 999_999_000));
        assertThat(BinlogValues.year(in(new byte[] {0}))).isZero();
        assertThat(BinlogValues.year(in(new byte[] {(byte) 255}))).isEqualTo(2155);
    }

    @Test
    void oldTimeFormatKeepsTheSign() throws IOException {
        int value = -8385959; // -838:59:59
        assertThat(BinlogValues.timeMicros(in(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16)})))
                .isEqualTo(-(838 * HOUR + 59 * 60_000_000L + 59_000_000L));
    }

    /** MySQL's TIME2 writer (my_time_packed_to_binary), with C's arithmetic shift and truncating remainder. */
    static byte[] encodeTime2(long micros, int fsp) {
        long abs = Math.abs(micros);
        long seconds = abs / 1_000_000;
        long hms = (seconds / 3600) << 12 | (seconds / 60 % 60) << 6 | seconds % 60;
        long packed = (hms << 24) + abs % 1_000_000;
        if (micros < 0) {
            packed = -packed;
        }
        long intPart = packed >> 24;
        long frac = packed % (1L << 24);
        return switch (fsp) {
            case 0 -> bigEndian(0x800000L + intPart, 3);
            case 1, 2 -> concat(bigEndian(0x800000L + intPart, 3), bigEndian(frac / 10_000, 1));
            case 3, 4 -> concat(bigEndian(0x800000L + intPart, 3), bigEndian(frac / 100, 2));
            default -> bigEndian(packed + 0x800000000000L, 6);
        };
    }

    static byte[] encodeDatetime2(LocalDateTime t, int fsp) {
        long ym = t.getYear() * 13L + t.getMonthValue();
        long ymd = ym << 5 | t.getDayOfMonth();
        long hms = (long) t.getHour() << 12 | t.getMinute() << 6 | t.getSecond();
        byte[] intPart = bigEndian(((ymd << 17) | hms) + 0x8000000000L, 5);
        int micros = t.getNano() / 1000;
        return switch (fsp) {
            case 0 -> intPart;
            case 1, 2 -> concat(intPart, bigEndian(micros / 10_000, 1));
            case 3, 4 -> concat(intPart, bigEndian(micros / 100, 2));
            default -> concat(intPart, bigEndian(micros, 3));
        };
    }

    private static byte[] bigEndian(long value, int length) {
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>= 8;
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static ByteArrayInputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}

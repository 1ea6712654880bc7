package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * Reads the binlog's row formats of dates, times, strings and bits exactly, replacing the connector library's
 * defaults, which go through {@code java.util.Date} in the JVM's zone, lose microseconds and the sign of TIME.
 * Formats as MySQL 5.6+ and MariaDB 10.x write them ({@code mysql56_temporal_format}). Stateless.
 *
 * <p>A date with a zero year, month or day ({@code 0000-00-00}, {@code 2024-00-00}) and the zero TIMESTAMP have no
 * Java value: they read as null.
 */
final class BinlogValues {

    private static final long DATETIMEF_INT_OFS = 0x8000000000L;
    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long TIMEF_OFS = 0x800000000000L;

    private BinlogValues() {}

    /** DATE: 3 bytes little-endian, day in bits 0-4, month in 5-8, year above. */
    static LocalDate date(ByteArrayInputStream in) throws IOException {
        int value = in.readInteger(3);
        return date(value >>> 9, (value >>> 5) & 0x0F, value & 0x1F);
    }

    /** DATETIME2: 5 bytes big-endian (offset by 2^39) and 0-3 bytes of fraction. */
    static LocalDateTime datetime2(int fsp, ByteArrayInputStream in) throws IOException {
        long packed = bigEndian(in.read(5)) - DATETIMEF_INT_OFS;
        int micros = fraction(fsp, in);
        long ymd = packed >> 17;
        long hms = packed & 0x1FFFF;
        long yearMonth = ymd >> 5;
        LocalDate date = date((int) (yearMonth / 13), (int) (yearMonth % 13), (int) (ymd & 0x1F));
        if (date == null) {
            return null;
        }
        return time(date, (int) (hms >> 12), (int) ((hms >> 6) & 0x3F), (int) (hms & 0x3F), micros);
    }

    /** Old DATETIME: 8 bytes little-endian, the decimal number YYYYMMDDhhmmss. */
    static LocalDateTime datetime(ByteArrayInputStream in) throws IOException {
        long value = in.readLong(8);
        LocalDate date = date((int) (value / 10_000_000_000L), (int) (value / 100_000_000L % 100),
                (int) (value / 1_000_000L % 100));
        if (date == null) {
            return null;
        }
        return time(date, (int) (value / 10_000 % 100), (int) (value / 100 % 100), (int) (value % 100), 0);
    }

    /** TIMESTAMP2: 4 bytes big-endian seconds since the epoch (UTC), and 0-3 bytes of fraction. 0 is the zero value. */
    static Instant timestamp2(int fsp, ByteArrayInputStream in) throws IOException {
        long seconds = bigEndian(in.read(4));
        int micros = fraction(fsp, in);
        return seconds == 0 && micros == 0 ? null : Instant.ofEpochSecond(seconds, micros * 1000L);
    }

    /** Old TIMESTAMP: 4 bytes little-endian seconds since the epoch. */
    static Instant timestamp(ByteArrayInputStream in) throws IOException {
        long seconds = in.readLong(4);
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    /**
     * TIME2 as signed microseconds: 3 bytes big-endian of sign, hours, minutes and seconds (offset by 2^23), and a
     * fraction that, for negative times, is stored as its complement.
     */
    static long time2Micros(int fsp, ByteArrayInputStream in) throws IOException {
        long packed;
        switch (fsp) {
            case 0 -> packed = (bigEndian(in.read(3)) - TIMEF_INT_OFS) << 24;
            case 1, 2 -> {
                long intPart = bigEndian(in.read(3)) - TIMEF_INT_OFS;
                int frac = in.readInteger(1);
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10_000L;
            }
            case 3, 4 -> {
                long intPart = bigEndian(in.read(3)) - TIMEF_INT_OFS;
                int frac = (int) bigEndian(in.read(2));
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
            }
            default -> packed = bigEndian(in.read(6)) - TIMEF_OFS;
        }
        return packedTimeMicros(packed);
    }

    /** Turns MySQL's packed time ({@code hms << 24 | micros}, negated when negative) into signed microseconds. */
    static long packedTimeMicros(long packed) {
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        long micros = abs & 0xFFFFFF;
        long hours = (hms >> 12) & 0x3FF;
        long minutes = (hms >> 6) & 0x3F;
        long seconds = hms & 0x3F;
        long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + micros;
        return packed < 0 ? -total : total;
    }

    /** Old TIME: 3 bytes little-endian, the signed decimal number hhmmss. */
    static long timeMicros(ByteArrayInputStream in) throws IOException {
        int value = (in.readInteger(3) << 8) >> 8;
        int abs = Math.abs(value);
        long total = ((abs / 10000) * 3600L + (abs / 100 % 100) * 60L + abs % 100) * 1_000_000L;
        return value < 0 ? -total : total;
    }

    /** YEAR: one byte, years after 1900; 0 is the year 0000. */
    static int year(ByteArrayInputStream in) throws IOException {
        int value = in.readInteger(1);
        return value == 0 ? 0 : 1900 + value;
    }

    /** BIT(n): ceil(n/8) bytes, big-endian, as JDBC returns them. {@code meta} is bytes << 8 | remaining bits. */
    static byte[] bit(int meta, ByteArrayInputStream in) throws IOException {
        int length = (meta >> 8) + ((meta & 0xFF) > 0 ? 1 : 0);
        return in.read(length);
    }

    /** A CHAR/BINARY or VARCHAR/VARBINARY value: a 1- or 2-byte length, then the bytes. */
    static byte[] string(int maxLength, ByteArrayInputStream in) throws IOException {
        int length = maxLength < 256 ? in.readInteger(1) : in.readInteger(2);
        return in.read(length);
    }

    private static int fraction(int fsp, ByteArrayInputStream in) throws IOException {
        int length = (fsp + 1) / 2;
        if (length == 0) {
            return 0;
        }
        int value = (int) bigEndian(in.read(length));
        return switch (length) {
            case 1 -> value * 10_000;
            case 2 -> value * 100;
            default -> value;
        };
    }

    private static LocalDate date(int year, int month, int day) {
        if (year == 0 || month == 0 || day == 0) {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static LocalDateTime time(LocalDate date, int hour, int minute, int second, int micros) {
        try {
            return date.atTime(hour, minute, second, micros * 1000);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static long bigEndian(byte[] bytes) {
        long value = 0;
        for (byte b : bytes) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }
}

package dev.sluice.source.postgres;

import dev.sluice.Interval;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses PostgreSQL's text output of date, time and binary types, as the server writes it with
 * {@code DateStyle=ISO}, {@code IntervalStyle=iso_8601} and {@code bytea_output=hex} (which every connection of
 * this source sets). Parsing is exact: nothing is rounded or shifted; a value that does not parse is an error.
 */
final class PgText {

    /*
     * One rule for infinity in every date/time type, in snapshot and stream alike: infinity and -infinity become
     * the largest and smallest value a 32-bit count of days (dates) or a 64-bit count of microseconds (timestamps)
     * since 1970-01-01 holds, which is how Parquet, Arrow and DuckDB store them. For -infinity that is the smallest
     * whole second, so that seconds times a million does not overflow on the way. Finite values never reach them:
     * PostgreSQL's dates lie inside, and a timestamp at or beyond them (years after 294246) cannot be captured and
     * stops the source (docs/source-postgres.md).
     */
    static final LocalDate DATE_INFINITY = LocalDate.ofEpochDay(Integer.MAX_VALUE);
    static final LocalDate DATE_MINUS_INFINITY = LocalDate.ofEpochDay(-Integer.MAX_VALUE);
    static final Instant INSTANT_INFINITY = instantOfMicros(Long.MAX_VALUE);
    static final Instant INSTANT_MINUS_INFINITY = Instant.ofEpochSecond(Long.MIN_VALUE / 1_000_000L);
    static final LocalDateTime TIMESTAMP_INFINITY = LocalDateTime.ofInstant(INSTANT_INFINITY, ZoneOffset.UTC);
    static final LocalDateTime TIMESTAMP_MINUS_INFINITY = LocalDateTime.ofInstant(INSTANT_MINUS_INFINITY,
            ZoneOffset.UTC);

    private static final Pattern INTERVAL = Pattern.compile(
            "P(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)D)?(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?\\d+)(?:\\.(\\d{1,6}))?S)?)?");

    private PgText() {}

    static Boolean parseBoolean(String text) {
        return switch (text) {
            case "t" -> Boolean.TRUE;
            case "f" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
        };
    }

    /** {@code 2024-03-31}, {@code 0044-03-15 BC}, {@code 10000-01-01}, {@code infinity}. */
    static LocalDate parseDate(String text) {
        if (text.equals("infinity")) {
            return DATE_INFINITY;
        }
        if (text.equals("-infinity")) {
            return DATE_MINUS_INFINITY;
        }
        boolean bc = text.endsWith(" BC");
        return date(bc ? text.substring(0, text.length() - 3) : text, bc);
    }

    private static LocalDate date(String text, boolean bc) {
        int first = text.indexOf('-');
        int second = text.indexOf('-', first + 1);
        if (first <= 0 || second != first + 3 || text.length() != second + 3) {
            throw new IllegalArgumentException("not an ISO date: '" + text + "'");
        }
        int year = Integer.parseInt(text.substring(0, first));
        // PostgreSQL has no year 0: 1 BC is proleptic year 0
        return LocalDate.of(bc ? 1 - year : year, Integer.parseInt(text.substring(first + 1, second)),
                Integer.parseInt(text.substring(second + 1)));
    }

    /** {@code 13:45:00}, {@code 13:45:00.123456}; {@code 24:00:00} becomes 23:59:59.999999 (documented). */
    static LocalTime parseTime(String text) {
        if (text.startsWith("24:00:00")) {
            return LocalTime.MAX.truncatedTo(ChronoUnit.MICROS);
        }
        if (text.length() < 8 || text.charAt(2) != ':' || text.charAt(5) != ':') {
            throw new IllegalArgumentException("not a time: '" + text + "'");
        }
        int nanos = 0;
        if (text.length() > 8) {
            if (text.charAt(8) != '.' || text.length() > 15 || text.length() == 9) {
                throw new IllegalArgumentException("not a time: '" + text + "'");
            }
            String fraction = text.substring(9);
            nanos = Integer.parseInt(fraction) * POWERS[9 - fraction.length()];
        }
        return LocalTime.of(Integer.parseInt(text.substring(0, 2)), Integer.parseInt(text.substring(3, 5)),
                Integer.parseInt(text.substring(6, 8)), nanos);
    }

    private static final int[] POWERS = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000};

    /** {@code 2024-03-31 02:30:00.5}, with {@code BC} or {@code infinity}; never shifted. */
    static LocalDateTime parseTimestamp(String text) {
        if (text.equals("infinity")) {
            return TIMESTAMP_INFINITY;
        }
        if (text.equals("-infinity")) {
            return TIMESTAMP_MINUS_INFINITY;
        }
        boolean bc = text.endsWith(" BC");
        String body = bc ? text.substring(0, text.length() - 3) : text;
        int space = body.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("not a timestamp: '" + text + "'");
        }
        LocalDateTime value = LocalDateTime.of(date(body.substring(0, space), bc),
                parseTime(body.substring(space + 1)));
        if (!value.isAfter(TIMESTAMP_MINUS_INFINITY) || !value.isBefore(TIMESTAMP_INFINITY)) {
            throw new UnrepresentableValueException(outOfRange(text));
        }
        return value;
    }

    /** {@code 2024-03-31 02:30:00.5+02}, offsets with minutes and seconds, {@code BC}, {@code infinity}. */
    static Instant parseTimestampTz(String text) {
        Instant common = commonTimestampTz(text);
        if (common != null) {
            return common;
        }
        if (text.equals("infinity")) {
            return INSTANT_INFINITY;
        }
        if (text.equals("-infinity")) {
            return INSTANT_MINUS_INFINITY;
        }
        boolean bc = text.endsWith(" BC");
        String body = bc ? text.substring(0, text.length() - 3) : text;
        int space = body.indexOf(' ');
        int sign = Math.max(body.lastIndexOf('+'), body.lastIndexOf('-'));
        if (space < 0 || sign < space) {
            throw new IllegalArgumentException("not a timestamp with time zone: '" + text + "'");
        }
        LocalDateTime local = LocalDateTime.of(date(body.substring(0, space), bc),
                parseTime(body.substring(space + 1, sign)));
        Instant value = local.toInstant(parseOffset(body.substring(sign)));
        if (!value.isAfter(INSTANT_MINUS_INFINITY) || !value.isBefore(INSTANT_INFINITY)) {
            throw new UnrepresentableValueException(outOfRange(text));
        }
        return value;
    }

    private static String outOfRange(String text) {
        return "the timestamp " + text + " lies beyond what 64-bit microseconds since 1970 hold ("
                + INSTANT_MINUS_INFINITY + " to " + INSTANT_INFINITY + ", exclusive; those two stand for -infinity and infinity), so no sink"
                + " could store it";
    }

    private static Instant instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** Seconds in the hours, minutes and seconds of a UTC offset. */
    private static final int[] OFFSET_UNITS = {3600, 60, 1};

    /**
     * The fast path for the form nearly every value has: {@code YYYY-MM-DD HH:MM:SS[.f{1,6}](+|-)HH[:MM[:SS]]}
     * with a four-digit AD year, read digit by digit with no substrings and no {@code java.time} parsing. Returns
     * null for anything else (BC, longer years, infinity, malformed text), which the general path then handles
     * or rejects.
     */
    private static Instant commonTimestampTz(String text) {
        int length = text.length();
        if (length < 22 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int at = 19;
        int micros = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < length && at - start < 6 && Character.isDigit(text.charAt(at))) {
                micros = micros * 10 + (text.charAt(at++) - '0');
            }
            if (at == start) {
                return null;
            }
            for (int i = at - start; i < 6; i++) {
                micros *= 10;
            }
        }
        if (at >= length || text.charAt(at) != '+' && text.charAt(at) != '-') {
            return null;
        }
        int sign = text.charAt(at) == '-' ? -1 : 1;
        int offsetSeconds = 0;
        at++;
        for (int unit = 0; unit < 3; unit++) {
            int value = at + 2 <= length ? digits(text, at, 2) : -1;
            if (value < 0 || unit > 0 && value > 59) {
                return null;
            }
            offsetSeconds += value * OFFSET_UNITS[unit];
            at += 2;
            if (at == length) {
                break;
            }
            if (text.charAt(at) != ':' || unit == 2) {
                return null;
            }
            at++;
        }
        if (at != length || offsetSeconds > 18 * 3600) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay(); // checks the date as the general path does
        long epochSecond = days * 86_400 + hour * 3600 + minute * 60 + second - sign * offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, micros * 1000L);
    }

    /** The value of {@code count} decimal digits at {@code start}, or -1 if one is not a digit. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** {@code +02}, {@code -03:30}, {@code +00:53:28}. */
    static ZoneOffset parseOffset(String text) {
        String[] parts = text.substring(1).split(":", -1);
        int hours = Integer.parseInt(parts[0]);
        int minutes = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        int seconds = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
        int sign = text.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(sign * hours, sign * minutes, sign * seconds);
    }

    /** ISO 8601 as PostgreSQL writes it with IntervalStyle=iso_8601: {@code P1Y2M3DT4H5M6.000007S}, {@code PT0S}. */
    static Interval parseInterval(String text) {
        Matcher m = INTERVAL.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an ISO 8601 interval: '" + text + "'");
        }
        long months = 12L * number(m.group(1)) + number(m.group(2));
        long days = number(m.group(3));
        long seconds = number(m.group(6));
        long fraction = 0;
        if (m.group(7) != null) {
            fraction = Long.parseLong(m.group(7)) * POWERS[6 - m.group(7).length()];
            if (m.group(6).startsWith("-")) {
                fraction = -fraction;
            }
        }
        long micros = Math.addExact(Math.addExact(Math.multiplyExact(number(m.group(4)), 3_600_000_000L),
                number(m.group(5)) * 60_000_000L), seconds * 1_000_000L + fraction);
        return new Interval(Math.toIntExact(months), Math.toIntExact(days), micros);
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    /** {@code \x0a0b}. */
    static byte[] parseBytea(String text) {
        if (!text.startsWith("\\x")) {
            throw new IllegalArgumentException("not a hex bytea (bytea_output must be hex): '" + text + "'");
        }
        return HexFormat.of().parseHex(text, 2, text.length());
    }
}

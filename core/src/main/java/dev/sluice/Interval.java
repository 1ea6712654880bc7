package dev.sluice;

import java.util.Locale;

/**
 * A span of time in the three parts SQL keeps apart: months, days and microseconds. The value of
 * {@link Type#INTERVAL} columns: PostgreSQL {@code interval}, and MySQL {@code TIME} (which is a duration that may be
 * negative or longer than a day, so it maps to an interval of microseconds only).
 *
 * <p>The parts are not normalised into each other, because their lengths differ: a month is 28 to 31 days and a
 * day is 23 to 25 hours across a daylight-saving change. {@code 1 mon} and {@code 30 days} are different values.
 * Each part may be negative.
 *
 * @param months whole months (a year is 12)
 * @param days whole days
 * @param micros the rest, in microseconds
 */
public record Interval(int months, int days, long micros) {

    /**
     * An interval of microseconds only, such as a MySQL {@code TIME} value.
     *
     * @param micros the length in microseconds; negative allowed
     * @return the interval of zero months, zero days and {@code micros} microseconds
     */
    public static Interval ofMicros(long micros) {
        return new Interval(0, 0, micros);
    }

    /** The ISO-8601 form, such as {@code P1Y2M3DT4H5M6.000007S} or {@code PT-838H-59M-59S}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("P");
        if (months / 12 != 0) {
            text.append(months / 12).append('Y');
        }
        if (months % 12 != 0) {
            text.append(months % 12).append('M');
        }
        if (days != 0) {
            text.append(days).append('D');
        }
        if (micros != 0 || text.length() == 1) {
            text.append('T');
            long hours = micros / 3_600_000_000L;
            long minutes = micros % 3_600_000_000L / 60_000_000L;
            long rest = micros % 60_000_000L;
            if (hours != 0) {
                text.append(hours).append('H');
            }
            if (minutes != 0) {
                text.append(minutes).append('M');
            }
            if (rest != 0 || hours == 0 && minutes == 0) {
                if (rest < 0) {
                    text.append('-');
                    rest = -rest;
                }
                text.append(rest / 1_000_000);
                if (rest % 1_000_000 != 0) {
                    text.append('.').append(String.format(Locale.ROOT, "%06d", rest % 1_000_000));
                }
                text.append('S');
            }
        }
        return text.toString();
    }
}

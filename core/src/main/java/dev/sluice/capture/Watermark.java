package dev.sluice.capture;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * A point in time before which no transaction still open (or yet to start) can write a row: the upper bound of
 * what timestamp capture may read. The same moment in two forms, because a database compares a zoned column
 * ({@code timestamptz}, MySQL {@code TIMESTAMP}) and a zone-less one ({@code timestamp}, {@code DATETIME})
 * differently.
 *
 * @param instant the moment, for columns that hold an instant
 * @param local the same moment as the wall-clock time of the capturing session's time zone, for columns without
 *     a zone
 * @param exact false when the database did not let the dialect see every open transaction and the watermark fell
 *     back to "now minus the safety window"
 */
public record Watermark(Instant instant, LocalDateTime local, boolean exact) {

    /**
     * Checks both forms are present.
     *
     * @param instant the moment, not null
     * @param local the moment as local time, not null
     * @param exact true if every open transaction was seen
     */
    public Watermark {
        Objects.requireNonNull(instant, "instant");
        Objects.requireNonNull(local, "local");
    }
}

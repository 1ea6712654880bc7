package dev.sluice;

import java.time.Duration;
import java.util.Map;

/**
 * What {@link Pipeline#runUntilCaughtUp()} did. Immutable.
 *
 * @param caughtUp true if the committed offset reached the target (or the source finished); false if the pipeline
 *     was closed first
 * @param target the source position observed at the start, or null if the source had nothing to capture
 * @param committedOffset the offset committed last, or null if none ever was
 * @param events events committed during the run
 * @param eventsPerTable those events, per table
 * @param duration how long the run took
 */
public record CatchUpReport(
        boolean caughtUp,
        Offset target,
        Offset committedOffset,
        long events,
        Map<TableId, Long> eventsPerTable,
        Duration duration) {

    /**
     * Copies the per-table map.
     *
     * @param caughtUp whether the target was reached
     * @param target the position to reach, or null
     * @param committedOffset the last committed offset, or null
     * @param events the number of events committed, 0 or more
     * @param eventsPerTable the events per table, not null; copied
     * @param duration the run's length, not null
     */
    public CatchUpReport {
        eventsPerTable = Map.copyOf(eventsPerTable);
    }
}

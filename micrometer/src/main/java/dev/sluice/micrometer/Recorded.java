package dev.sluice.micrometer;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the listener callbacks counted, kept apart from any registry so that a registry bound late still sees every
 * batch and recovery since the pipeline started. Thread-safe: written by the pipeline's threads, read on scrapes.
 */
final class Recorded {

    final LongAdder batches = new LongAdder();
    final LongAdder batchBytes = new LongAdder();
    /** Recoveries per exception class (its simple name). */
    final Map<String, LongAdder> recoveries = new ConcurrentHashMap<>();
    /** When the pipeline left {@code NEW}, or null before: the base of the time since the last commit. */
    volatile Instant started;

    /** Counts a recovery; true if it is the first of its exception class (a new meter is needed). */
    boolean recovery(String exception) {
        boolean[] created = new boolean[1];
        recoveries.computeIfAbsent(exception, e -> {
            created[0] = true;
            return new LongAdder();
        }).increment();
        return created[0];
    }

    double recoveries(String exception) {
        LongAdder count = recoveries.get(exception);
        return count == null ? 0 : count.sum();
    }

    /** The tag value for an exception: its simple class name, or its full name for an anonymous class. */
    static String exceptionTag(Throwable t) {
        if (t == null) {
            return "none";
        }
        String simple = t.getClass().getSimpleName();
        return simple.isEmpty() ? t.getClass().getName() : simple;
    }
}

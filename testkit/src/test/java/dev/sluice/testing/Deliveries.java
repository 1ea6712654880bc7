package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MemorySource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Assertions on what a {@link MemorySink} received from a {@link MemorySource} without skipped events. */
public final class Deliveries {

    private Deliveries() {}

    /**
     * Every event 1 to {@code last} was made durable at least once, in order: the durable sequence is a series of
     * runs of consecutive numbers, each run after the first restarting just after an offset that was saved
     * (a recovery redelivers from the committed offset, never from later, never leaving a gap).
     */
    public static void assertAtLeastOnceInOrder(List<Long> durable, long last, List<Long> saved) {
        Set<Long> restartPoints = new HashSet<>(saved);
        restartPoints.add(0L);
        long previous = 0;
        long highest = 0;
        for (int i = 0; i < durable.size(); i++) {
            long seq = durable.get(i);
            if (seq != previous + 1) {
                assertThat(restartPoints)
                        .as("event %d (at %d) restarts a run: it must follow a saved offset", seq, i)
                        .contains(seq - 1);
                assertThat(seq).as("a restart at %d may not skip past %d", seq, highest + 1).isLessThanOrEqualTo(highest + 1);
            }
            previous = seq;
            highest = Math.max(highest, seq);
        }
        assertThat(highest).as("the last event delivered").isEqualTo(last);
    }

    /** Every event 1 to {@code last} was made durable exactly once, in order. */
    public static void assertExactlyOnceInOrder(List<Long> durable, long last) {
        assertThat(durable).hasSize((int) last);
        for (int i = 0; i < durable.size(); i++) {
            assertThat(durable.get(i)).as("event at %d", i).isEqualTo(i + 1L);
        }
    }
}

package dev.sluice.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * How a case runs the pipeline, beside what its SQL does: drawn from the seed by a generator of its own, so a
 * seed's SQL is the same whatever is drawn here.
 *
 * @param incremental log paths: the first run reads the tables in chunks while the log streams, instead of one
 *     consistent snapshot; trigger paths: the first run loads the rows there first (the initial load)
 * @param chunkSize rows per chunk of an incremental snapshot (small, so that tables take many chunks)
 * @param concurrent the second phase's statements run while the first catch-up (the snapshot) runs, when that
 *     phase has no DDL
 * @param crash whether and how the first run crashes part way
 * @param crashAfter the events written before the crash ({@link Crash#RECOVER}, {@link Crash#RESTART})
 * @param kills when each child JVM but the last is killed ({@link Crash#KILL}; empty otherwise)
 * @param commits {@link Crash#KILL}: the killed runs write the rows the tables hold at the start in about this
 *     many batches, each committed at once (so that the snapshot spans several commits, and kills land between and
 *     inside them, not only before the first); 0 otherwise
 * @param parallelism chunks of an incremental snapshot read at once (log paths; 1 to 3)
 * @param backfillPhase log paths: before the catch-up of this phase (1 or later), a backfill of one of the case's
 *     keyed tables is asked for through the sink's signals ({@code Pipeline.requestBackfill}); 0 for none
 * @param backfillTable which keyed table (modulo their number)
 * @param backfillCondition the backfill reads only the rows matching a condition (on a key column), else all
 */
record Variant(boolean incremental, int chunkSize, boolean concurrent, Crash crash, int crashAfter, List<Kill> kills,
        int commits, int parallelism, int backfillPhase, int backfillTable, boolean backfillCondition) {

    enum Crash {
        /** No crash. */
        NONE,
        /** The sink fails once: the pipeline recovers from its last committed offset, in the same run. */
        RECOVER,
        /** The sink fails fatally: the run ends uncommitted work and all, and a new pipeline resumes. */
        RESTART,
        /**
         * The first run's pipeline runs in a child JVM that is killed with SIGKILL 1–3 times ({@link #kills()}); a
         * new child resumes from the stored offset each time, and the last one must catch up ({@link KilledRuns}).
         */
        KILL
    }

    /**
     * When a child JVM is killed: once the child says it has written as many events as {@code at} percent of the
     * rows the tables hold when the first run starts (at least one), or {@code at} milliseconds after it was started
     * (which may be before its pipeline has opened, or read anything).
     */
    record Kill(boolean afterEvents, int at) {
        /** The events after which the child is killed, for tables of {@code rows} rows. */
        long events(long rows) {
            return Math.max(1, rows * at / 100);
        }

        @Override
        public String toString() {
            return afterEvents ? "after events for " + at + "% of the rows" : "after " + at + " ms";
        }
    }

    static Variant of(long seed, CasePath path) {
        // the path's name, not its hash code (an enum's is not the same from one JVM to the next); mixed first, as
        // java.util.Random's first draws of nearby seeds are alike (seeds 31 to 33 all drew an incremental snapshot)
        Random r = new Random(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + path.toString().hashCode())
                .nextLong());
        boolean incremental = !path.timestamp() && r.nextBoolean();
        int chunkSize = 1 + r.nextInt(40);
        boolean concurrent = incremental && r.nextBoolean();
        Crash crash = Crash.values()[r.nextInt(Crash.values().length)];
        int crashAfter = 1 + r.nextInt(60);
        List<Kill> kills = new ArrayList<>();
        for (int i = crash == Crash.KILL ? 1 + r.nextInt(3) : 0; i > 0; i--) {
            // mostly within the snapshot (a little past it: the concurrent phase's changes, or no kill at all); one
            // in four at a moment from the child's start on: its start-up, the opening of source and sink, the reads
            kills.add(r.nextInt(4) > 0 ? new Kill(true, 1 + r.nextInt(110)) : new Kill(false, r.nextInt(3000)));
        }
        int commits = crash == Crash.KILL ? 2 + r.nextInt(9) : 0;
        int parallelism = 1 + r.nextInt(3);
        // drawn last: the draws above stay what they were for a seed
        int backfillPhase = path.log() && r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0;
        int backfillTable = r.nextInt(1000);
        boolean backfillCondition = r.nextBoolean();
        return new Variant(incremental, chunkSize, concurrent, crash, crashAfter, List.copyOf(kills), commits,
                parallelism, backfillPhase, backfillTable, backfillCondition);
    }

    @Override
    public String toString() {
        return (incremental ? "SnapshotMode.INCREMENTAL, chunks of " + chunkSize + ", " + parallelism + " at once"
                + (concurrent ? ", phase 2 concurrent"
                : "") : "consistent snapshot") + switch (crash) {
                    case NONE -> "";
                    case KILL -> ", the rows in " + commits + " commits, kill -9 of the child JVM "
                            + kills.stream().map(Kill::toString).collect(Collectors.joining(", then "));
                    default -> ", " + crash.name().toLowerCase() + " after " + crashAfter + " events";
                } + (backfillPhase == 0 ? "" : ", a backfill" + (backfillCondition ? " with a condition" : "")
                        + " before phase " + (backfillPhase + 1));
    }
}

package dev.sluice.difftest;

import java.util.Random;

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
 * @param crashAfter the events written before the crash
 * @param parallelism chunks of an incremental snapshot read at once (log paths; 1 to 3)
 */
record Variant(boolean incremental, int chunkSize, boolean concurrent, Crash crash, int crashAfter,
        int parallelism) {

    enum Crash {
        /** No crash. */
        NONE,
        /** The sink fails once: the pipeline recovers from its last committed offset, in the same run. */
        RECOVER,
        /** The sink fails fatally: the run ends uncommitted work and all, and a new pipeline resumes. */
        RESTART
    }

    static Variant of(long seed, CasePath path) {
        // the path's name, not its hash code (an enum's is not the same from one JVM to the next)
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + path.toString().hashCode());
        boolean incremental = !path.timestamp() && r.nextBoolean();
        int chunkSize = 1 + r.nextInt(40);
        boolean concurrent = incremental && r.nextBoolean();
        Crash crash = Crash.values()[r.nextInt(3)];
        int crashAfter = 1 + r.nextInt(60);
        int parallelism = 1 + r.nextInt(3); // drawn last: the draws above stay what they were for a seed
        return new Variant(incremental, chunkSize, concurrent, crash, crashAfter, parallelism);
    }

    @Override
    public String toString() {
        return (incremental ? "SnapshotMode.INCREMENTAL, chunks of " + chunkSize + ", " + parallelism + " at once" + (concurrent ? ", phase 2 concurrent"
                : "") : "consistent snapshot") + (crash == Crash.NONE ? "" : ", " + crash.name().toLowerCase()
                + " after " + crashAfter + " events");
    }
}

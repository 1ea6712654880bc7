package dev.sluice.benchmarks;

/**
 * One pass of W6 (a snapshot under writes) on one database. Immutable.
 *
 * @param database {@code postgres} or {@code mariadb}
 * @param rows the table's rows when the snapshot started
 * @param offeredRate the writer's target, writes per second
 * @param achievedRate what the writer managed while the snapshot ran
 * @param killsAsked SIGKILLs asked for
 * @param killsDone SIGKILLs done while the snapshot ran (fewer if it ended first)
 * @param snapshotMillis from the first pipeline's start to the end of the snapshot (with kills: JVM restarts included)
 * @param logBytes PostgreSQL: the peak WAL the slot retained; MariaDB: binlog bytes written during the snapshot
 * @param tableBytes the table's size with its indexes
 * @param p50Millis commit-to-visible latency of the writer's changes during the snapshot, median (NaN: none measured)
 * @param p99Millis likewise, 99th percentile
 * @param latencyRows the changes measured
 * @param readRows snapshot rows in the lake over all runs
 * @param doubledKeys keys the snapshot wrote twice after the table's last truncate row
 * @param differences null if the folded lake equals the table, else what differs
 * @param commitMillis the pipeline's commit interval
 */
record W6Result(String database, long rows, int offeredRate, double achievedRate, int killsAsked, int killsDone,
        long snapshotMillis, long logBytes, long tableBytes, double p50Millis, double p99Millis, int latencyRows,
        long readRows, long doubledKeys, String differences, long commitMillis) {

    /** The lake equals the source, nothing read twice, and no more than 1.2× the table's rows read. */
    boolean valid() {
        return differences == null && doubledKeys == 0 && readRows <= rows * 1.2;
    }

    /** Latency within the bound, the commit interval + 1 s (true if none was measured). */
    boolean latencyWithinBound() {
        return Double.isNaN(p99Millis) || p99Millis <= commitMillis + 1000;
    }
}

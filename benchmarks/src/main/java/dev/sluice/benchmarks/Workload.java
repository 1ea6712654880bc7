package dev.sluice.benchmarks;

import dev.sluice.capture.SnapshotMode;

/** The workloads of the end-to-end comparison (the numbering of the benchmark issue). */
enum Workload {
    /** A snapshot of n rows × 10 columns. */
    W1("snapshot", true),
    /** W1 read by Sluice's {@code SnapshotMode.INCREMENTAL} (default chunk size): Sluice only, reported against W1. */
    W1I("snapshot, incremental (Sluice only)", true),
    /** W1I with {@code snapshotParallelism(2)}: two chunks read at once. Sluice only, reported against W1. */
    W1I2("snapshot, incremental, 2 chunks at once (Sluice only)", true),
    /** n single-row autocommit inserts, drained from a backlog. */
    W2("backlog of single-row inserts", false),
    /** n mixed operations (70% update, 20% insert, 10% delete, 10 per transaction) on an n-row table. */
    W3("mixed ops (70/20/10 u/i/d)", false),
    /**
     * n rows with an ~8 KB JSON document each (inserted 1,000 per transaction), then n updates that change only a
     * counter and leave the JSON untouched (1,000 per transaction), both drained from one backlog: 2n events. On
     * PostgreSQL the JSON is TOASTed and the updates carry it as "unchanged"; MariaDB's FULL row image re-sends it.
     */
    W4("~8 KB JSON: inserts, then updates leaving it untouched", false),
    /** One transaction of n inserted rows, drained from a backlog: the memory workload. */
    W5("one n-row transaction", false),
    /**
     * An incremental snapshot of n rows while a writer updates and deletes the same rows at a fixed rate: Sluice
     * only, run by {@link SnapshotUnderWrites}; the folded lake must equal the table.
     */
    W6("snapshot under writes (Sluice only)", true),
    /** Live capture of rows written at a fixed rate: commit-to-visible latency (run by {@link LatencyRunner}). */
    LAT("latency at a fixed rate", false);

    private final String title;
    private final boolean snapshot;

    Workload(String title, boolean snapshot) {
        this.title = title;
        this.snapshot = snapshot;
    }

    String title() {
        return title;
    }

    boolean snapshot() {
        return snapshot;
    }

    /** Read by Sluice's incremental snapshot (W1I, W1I2, W6). */
    boolean incremental() {
        return this == W1I || this == W1I2 || this == W6;
    }

    /** The Sluice source's {@code snapshotParallelism} for this workload. */
    int snapshotParallelism() {
        return this == W1I2 ? 2 : 1;
    }

    /** Measured for Sluice only: Debezium's incremental snapshot needs a signal table and is not set up here. */
    boolean sluiceOnly() {
        return incremental();
    }

    /** The Sluice snapshot mode of this workload. */
    SnapshotMode snapshotMode() {
        return incremental() ? SnapshotMode.INCREMENTAL : snapshot ? SnapshotMode.INITIAL : SnapshotMode.NEVER;
    }
}

package dev.sluice.source.mysql;

/**
 * What a {@link MySqlSource} does when a pipeline starts without a stored offset. With a stored offset the source
 * always resumes from it, whatever the mode (except {@link #INITIAL_ONLY}, which then has nothing left to do).
 */
public enum SnapshotMode {
    /** Read every captured table in one consistent snapshot ({@code READ} events), then stream the binlog from the
     * snapshot's position. The default. */
    INITIAL,
    /** No snapshot: stream the binlog from the server's current position; existing rows are not read. */
    NEVER,
    /** Read the snapshot, then finish: the pipeline completes without streaming. */
    INITIAL_ONLY,
    /**
     * Stream the binlog from the server's current position at once, and read every captured table in primary-key
     * chunks between two polls of the stream, each chunk reconciled with the binlog (the DBLog method). No global
     * lock, no RELOAD privilege; the progress is part of the offset, so a restart resumes with the next chunk.
     * Every captured table needs a primary key (a keyless one stops the pipeline at start). See
     * {@code docs/source-mysql.md}, "Snapshots".
     */
    INCREMENTAL
}

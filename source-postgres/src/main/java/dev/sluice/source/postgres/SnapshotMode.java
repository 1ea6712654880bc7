package dev.sluice.source.postgres;

/**
 * Whether a {@link PostgresSource} reads the existing rows of its tables before it streams changes.
 *
 * <p>The snapshot only runs when the pipeline has no stored offset (its first start), or when it stopped in the
 * middle of a snapshot. An {@link #INITIAL} snapshot cannot be resumed (the server's exported snapshot ends with the
 * connection that made it), so it is restarted from the beginning, with a new replication slot, and rows read
 * before the interruption are delivered again as {@code READ} events; an {@link #INCREMENTAL} one resumes after the
 * last chunk committed.
 */
public enum SnapshotMode {

    /**
     * The default: create the replication slot with an exported snapshot, read every selected table in that
     * snapshot as {@code READ} events, then stream every change committed after it. No row is lost or doubled
     * at the seam.
     */
    INITIAL,

    /** No snapshot: stream changes from the slot's position only (the slot is created if missing). */
    NEVER,

    /**
     * Read every selected table once in one consistent snapshot, then finish; no slot and no publication are
     * created, and nothing is streamed.
     */
    INITIAL_ONLY,

    /**
     * Stream at once, and read the tables selected at the first start in chunks by primary key while the stream
     * runs (the DBLog method): no exported snapshot and no long transaction, the slot advances during the
     * snapshot, and its progress is part of the committed offset, so a restart continues after the last chunk
     * committed. Each table's rows are preceded by one {@code TRUNCATE} of it. Every table needs a primary key (or
     * a replica identity index): a keyless table is refused at start. See docs/source-postgres.md, "Snapshots".
     */
    INCREMENTAL
}

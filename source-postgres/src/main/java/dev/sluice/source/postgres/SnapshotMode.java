package dev.sluice.source.postgres;

/**
 * Whether a {@link PostgresSource} reads the existing rows of its tables before it streams changes.
 *
 * <p>The snapshot only runs when the pipeline has no stored offset (its first start), or when it stopped in the
 * middle of a snapshot: a snapshot cannot be resumed (the server's exported snapshot ends with the connection that
 * made it), so it is restarted from the beginning, with a new replication slot. Rows read before the interruption
 * are then delivered again as {@code READ} events.
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
    INITIAL_ONLY
}

package dev.sluice.capture;

/**
 * Whether a database source reads the rows its tables hold already, and how, when a pipeline starts without a
 * stored offset; with one, it resumes from it whatever the mode (an {@link #INITIAL_ONLY} pipeline then has nothing
 * left to do). Taken by the PostgreSQL and MySQL/MariaDB sources; each source's guide gives the details
 * (docs/source-postgres.md, docs/source-mysql.md).
 */
public enum SnapshotMode {

    /**
     * The default for log capture: read every selected table in one consistent snapshot (PostgreSQL: exported by
     * the replication slot; MariaDB: a consistent-snapshot transaction and its binlog position), as {@code READ}
     * events, then stream every change committed after it; nothing is lost or doubled at the seam. It cannot
     * resume: a snapshot interrupted by a crash starts over (each table's rows are preceded by a {@code TRUNCATE}
     * of it, so a sink ends in the source's state). Trigger capture reads no existing rows in this mode.
     */
    INITIAL,

    /** No snapshot: stream changes from the current end of the log (or the slot's position) on. */
    NEVER,

    /**
     * Read every selected table once in one consistent snapshot, then finish: nothing is streamed (PostgreSQL
     * creates no slot and no publication).
     */
    INITIAL_ONLY,

    /**
     * Stream at once, and read the tables selected at the first start in chunks by primary key while the stream
     * runs, each chunk reconciled with the log (the DBLog method): no exported snapshot, no long transaction and no
     * global lock; the log position advances during the snapshot, and its progress is part of the committed
     * offset, so a restart continues after the last row committed. Each table's rows are preceded by one
     * {@code TRUNCATE} of it. Every table needs a primary key (or, on PostgreSQL, a replica identity index): a
     * keyless table is refused at start. With trigger capture: an initial load of every table, in key-ordered
     * chunks, before the change table (docs/capture.md, "Initial load").
     */
    INCREMENTAL
}

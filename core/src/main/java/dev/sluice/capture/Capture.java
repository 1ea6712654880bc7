package dev.sluice.capture;

/**
 * How a database source captures changes.
 *
 * <ul>
 *   <li>{@link #LOG}: reads the database's own change log (PostgreSQL logical replication, the MySQL/MariaDB
 *       binlog). Sees every change, costs the writers nothing, needs replication privileges.</li>
 *   <li>{@link #TRIGGER}: row triggers copy every insert, update, delete (and, on PostgreSQL, truncate) into a
 *       change table that Sluice reads and prunes. Sees deletes; costs every write a second insert; needs the
 *       right to create triggers once (see {@link JdbcCaptureSource#install()}).</li>
 *   <li>{@link #TIMESTAMP}: polls each table on its update-timestamp column and key. Needs only {@code SELECT};
 *       <strong>cannot see hard deletes</strong> (use a soft-delete column) and sees only the latest state of
 *       a row, not every intermediate change.</li>
 * </ul>
 */
public enum Capture {
    /** The database's own change log. */
    LOG,
    /** Triggers into a change table. */
    TRIGGER,
    /** Polling on an update-timestamp column and the key. */
    TIMESTAMP
}

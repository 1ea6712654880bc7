package dev.sluice.source.mysql;

/**
 * What the binlog capture of a {@link MySqlSource} does when an {@code ALTER TABLE} of a captured table may have
 * changed the values of existing rows, which the binlog has no row events for: a renamed column, an added column
 * with a default or a STORED generated one, a {@code MODIFY}/{@code CHANGE} conversion (type, length, character
 * set). A pure {@code DROP COLUMN} and changes of indexes or defaults need neither.
 */
public enum SchemaChanges {
    /**
     * The default: at the statement's place in the stream, a TRUNCATE event of the table, then every row it holds
     * (read in one consistent snapshot) as READ events; then the stream goes on. Each key ends in its right state:
     * the rows read are at least as new as the statement, and the binlog's later events bring them up to date. The
     * offset stays before the statement until the re-read's events are committed, so a crash repeats the re-read.
     */
    REREAD,
    /** Stop with a {@link dev.sluice.FatalException} naming the table and the statement. */
    FAIL
}

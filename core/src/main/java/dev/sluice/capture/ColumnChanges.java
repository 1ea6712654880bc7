package dev.sluice.capture;

/**
 * What trigger and timestamp capture do when a captured table's columns change in a way that can change the values
 * of rows that no later change mentions: a column renamed, added (existing rows get its default) or given another
 * type (a conversion may rewrite every value), a column dropped, or another primary key. The change is seen when the
 * stream opens (the offset remembers the columns the targets have) and, while it runs, within about a second.
 *
 * <p>The log sources have the same choice under their own names ({@code PostgresSource}'s {@code SchemaChangeMode},
 * {@code MySqlSource}'s {@code SchemaChanges}), which their builders hand on to this one.
 */
public enum ColumnChanges {

    /**
     * The default: a {@code TRUNCATE} event of the table, then every row it holds (as {@code READ} events for
     * trigger capture; read again from its first row, as upserts, for timestamp capture), placed so that every
     * change committed around the re-read ends in the targets in the right order.
     */
    REREAD,

    /**
     * Stop with a {@link dev.sluice.FatalException} that names the table, what changed and the fix, before anything
     * of the table after the change is delivered.
     */
    FAIL
}

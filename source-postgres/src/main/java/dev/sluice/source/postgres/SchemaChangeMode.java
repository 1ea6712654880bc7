package dev.sluice.source.postgres;

/**
 * What a {@link PostgresSource} does when a captured table's columns change in a way that can change the values of
 * rows that no row event will mention: a column renamed or added (existing rows get its default, or keep a value
 * under the new name) or a column's type changed (an {@code ALTER COLUMN ... TYPE ... USING} may rewrite every
 * value). A column dropped needs neither: the rows the sinks hold only keep a column the source no longer has.
 *
 * <p>The change is seen in the stream's Relation message for the table, which the server sends before the table's
 * first change after the DDL. See docs/source-postgres.md, "Schema changes", for what is and is not seen.
 */
public enum SchemaChangeMode {

    /**
     * The default: read the table again, exactly like a table that joined the publication: a {@code TRUNCATE} event,
     * then every row as a {@code READ} event, placed in the stream so that each sink ends with the source's rows.
     */
    REREAD,

    /**
     * Stop with a {@link dev.sluice.FatalException} that names the table, the change and the fix, before anything
     * after the change is delivered.
     */
    FAIL
}

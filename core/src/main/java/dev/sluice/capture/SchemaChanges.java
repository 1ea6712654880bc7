package dev.sluice.capture;

/**
 * What a source does when a captured table's columns change in a way that can change the values of rows that no
 * later change mentions: a column renamed, added (existing rows get its default) or given another type (a
 * conversion may rewrite every value), or another primary key. Every capture method of the PostgreSQL and
 * MySQL/MariaDB sources takes it ({@code schemaChanges(...)} on their builders); where and how each sees the change
 * is in its guide (docs/source-postgres.md and docs/source-mysql.md, "Schema changes"; docs/capture.md, "Column
 * changes").
 */
public enum SchemaChanges {

    /**
     * The default: a {@code TRUNCATE} event of the table, then every row it holds (as {@code READ} events for log
     * and trigger capture; read again from its first row, as upserts, for timestamp capture), placed so that every
     * change committed around the re-read ends in the targets in the right order.
     */
    REREAD,

    /**
     * Stop with a {@link dev.sluice.FatalException} that names the table, what changed and the fix, before anything
     * of the table after the change is delivered.
     */
    FAIL
}

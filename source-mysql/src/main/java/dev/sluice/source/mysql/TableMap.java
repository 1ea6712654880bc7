package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import java.util.List;

/**
 * A TABLE_MAP event as {@link TableMapParser} reads it: the library's fields (which its rows readers use: column
 * types, their metadata and nullability), with names decoded as UTF-8, and the optional metadata of
 * {@code binlog_row_metadata=FULL} already assigned to the columns it belongs to. Immutable once parsed; shared by
 * the reader thread and the stream's thread through the event queue.
 */
final class TableMap extends TableMapEventData {

    private static final long serialVersionUID = 1L;

    /** No collation: the column is not of the kind the field describes, or the event did not say. */
    static final int NONE = -1;

    private final transient Columns columns;

    TableMap(Columns columns) {
        this.columns = columns;
    }

    /** The optional metadata, one entry per column. */
    Columns columns() {
        return columns;
    }

    /**
     * The optional metadata per column, indexed by column.
     *
     * @param names column names (null if the event has no COLUMN_NAME field)
     * @param unsigned whether a numeric column is UNSIGNED (false for other columns)
     * @param collations the collation id of a character column, else {@link #NONE}
     * @param enumSetCollations the collation id of an ENUM or SET column's labels, else {@link #NONE}
     * @param labels the raw labels of an ENUM or SET column (null for other columns)
     * @param geometryTypes the geometry type code of a GEOMETRY column, else {@link #NONE}
     * @param key the primary key's column indexes in key order (empty without one)
     * @param hidden whether a column is invisible (MySQL 8.0.23+), false without the field
     */
    record Columns(List<String> names, boolean[] unsigned, int[] collations, int[] enumSetCollations,
            byte[][][] labels, int[] geometryTypes, List<Integer> key, boolean[] hidden) {}
}

package dev.sluice.examples;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Reads a table's change history back from the lake with DuckDB, an engine independent of Sluice, and rebuilds the
 * table's current rows as docs/sink-s3.md says: after the table's last truncate ({@code t}), the last change of each
 * key by {@code _seq}, deletes removed.
 */
final class LakeReader {

    private LakeReader() {}

    /** The columns ({@code *} for the table's own) of the table's current rows, in key order. */
    static TextTable finalRows(Path lake, String namespace, String table, String key, String columns)
            throws SQLException {
        String files = "read_parquet('" + lake.resolve(namespace).resolve(table)
                + "/**/*.parquet', union_by_name = true, hive_partitioning = false)";
        String selected = columns.equals("*") ? "* EXCLUDE (_op, _seq, _position, _commit_ts, _tx, _unchanged, _last)"
                : columns;
        String sql = "SELECT " + selected + " FROM (SELECT *, row_number() OVER (PARTITION BY " + key
                + " ORDER BY _seq DESC) AS _last FROM " + files
                + " WHERE _seq > (SELECT coalesce(max(_seq), 0) FROM " + files + " WHERE _op = 't'))"
                + " WHERE _last = 1 AND _op <> 'd' ORDER BY " + key;
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            return TextTable.of(connection, sql);
        }
    }
}

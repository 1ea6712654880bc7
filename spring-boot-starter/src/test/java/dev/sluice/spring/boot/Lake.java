package dev.sluice.spring.boot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table back from the Parquet sink's folder with DuckDB, a reader Sluice did not write, and rebuilds its
 * current rows as docs/sink-s3.md says: after the last truncate, the last change per key by {@code _seq}, deletes
 * removed.
 */
final class Lake {

    private Lake() {}

    /** The current rows, {@code columns} joined by {@code |}, in key order. */
    static List<String> rows(Path lake, String namespace, String table, String key, String columns)
            throws SQLException {
        String files = "read_parquet('" + lake.resolve(namespace).resolve(table)
                + "/**/*.parquet', union_by_name = true, hive_partitioning = false)";
        String sql = "SELECT concat_ws('|', " + columns + ") FROM (SELECT *, row_number() OVER (PARTITION BY " + key
                + " ORDER BY _seq DESC) AS _last FROM " + files
                + " WHERE _seq > (SELECT coalesce(max(_seq), 0) FROM " + files + " WHERE _op = 't'))"
                + " WHERE _last = 1 AND _op <> 'd' ORDER BY " + key;
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (result.next()) {
                rows.add(result.getString(1));
            }
            return rows;
        }
    }
}

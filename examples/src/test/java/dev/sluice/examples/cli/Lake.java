package dev.sluice.examples.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads a table back from the lake with DuckDB: the last change of each key, deletes removed, in key order. */
final class Lake {

    private Lake() {}

    static List<List<String>> currentRows(Path lake, String namespace, String table, String columns, String key)
            throws SQLException {
        String files = "read_parquet('" + lake.resolve(namespace).resolve(table)
                + "/**/*.parquet', union_by_name = true, hive_partitioning = false)";
        return query("SELECT " + columns + " FROM (SELECT *, row_number() OVER (PARTITION BY " + key
                + " ORDER BY _seq DESC) AS _last FROM " + files
                + " WHERE _seq > (SELECT coalesce(max(_seq), 0) FROM " + files + " WHERE _op = 't'))"
                + " WHERE _last = 1 AND _op <> 'd' ORDER BY " + key);
    }

    /** Every row of a query, each value as its text (null stays null). */
    static List<List<String>> query(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            return rows(connection, sql);
        }
    }

    static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getString(i));
                }
                result.add(row);
            }
            return result;
        }
    }
}

package dev.sluice.sink.s3;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB over JDBC, in memory: the independent reader of the sink's files. */
final class Duck {

    private Duck() {}

    /** The rows of a query, each a list of column values as DuckDB's JDBC driver returns them. */
    static List<List<Object>> query(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<List<Object>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        }
    }

    /** The committed files of a table, as readers are told to read them: {@code <folder>/**}{@code /*.parquet}. */
    static String table(Path root, String namespace, String table) {
        return "read_parquet('" + root.resolve(namespace).resolve(table) + "/**/*.parquet', union_by_name=true)";
    }

    /** Every committed file under the root. */
    static String all(Path root) {
        return "read_parquet('" + root + "/**/*.parquet', union_by_name=true)";
    }
}

package dev.sluice.difftest;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the JDBC sink's target table with plain SQL. */
final class TargetReader {

    private TargetReader() {}

    static Map<List<String>, List<String>> read(Connection connection, Db target, Table table, List<String> problems)
            throws SQLException {
        Set<String> present = new HashSet<>();
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getColumns(connection.getCatalog(), target == Db.PG ? "public" : null, table.name,
                null)) {
            while (rs.next()) {
                present.add(rs.getString("COLUMN_NAME"));
            }
        }
        Map<List<String>, List<String>> state = new LinkedHashMap<>();
        if (present.isEmpty()) {
            return state;
        }
        Projection projection = Projection.of(target);
        try (Statement s = connection.createStatement()) {
            List<List<String>> rows = Reader.readAll(s, projection, table.columns, present, "",
                    projection.quote(table.name), problems, table.label());
            for (List<String> row : rows) {
                state.put(Reader.key(table, row), row);
            }
        }
        return state;
    }
}

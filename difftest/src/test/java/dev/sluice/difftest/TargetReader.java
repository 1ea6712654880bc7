package dev.sluice.difftest;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the JDBC sink's target table with plain SQL. */
final class TargetReader {

    private TargetReader() {}

    /** Reads the target table {@code name} (the sink's naming of {@code table}) with the columns of {@code table}. */
    static Map<List<String>, List<String>> read(Connection connection, Db target, String name, Table table,
            List<String> problems) throws SQLException {
        Set<String> present = new HashSet<>();
        DatabaseMetaData meta = connection.getMetaData();
        // a pattern: escape its wildcards, or t_1 would also match tx1
        String escape = meta.getSearchStringEscape();
        String pattern = name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
        try (ResultSet rs = meta.getColumns(connection.getCatalog(), target == Db.PG ? "public" : null, pattern,
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
        List<List<String>> rows = Reader.readAll(connection, projection, table.columns, present, "",
                projection.quote(name), problems, table.label());
        for (List<String> row : rows) {
            state.put(Reader.key(table, row), row);
        }
        return state;
    }
}

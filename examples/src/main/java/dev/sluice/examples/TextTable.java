package dev.sluice.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as a small aligned text table, the way {@code psql} does. */
final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** The result of a query, each value in its JDBC text form. */
    static TextTable of(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            List<String> header = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                header.add(rows.getMetaData().getColumnLabel(i));
            }
            TextTable table = new TextTable(header);
            while (rows.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getString(i));
                }
                table.add(row);
            }
            return table;
        }
    }

    List<List<String>> rows() {
        return rows;
    }

    void add(List<?> row) {
        List<String> cells = new ArrayList<>(row.size());
        for (Object value : row) {
            cells.add(value == null ? "∅" : value.toString());
        }
        rows.add(cells);
    }

    int size() {
        return rows.size();
    }

    /** The table with at most {@code limit} rows, and a line saying how many more there are. */
    String render(int limit) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).codePointCount(0, header.get(i).length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        for (int i = 0; i < widths.length; i++) {
            out.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.append('\n');
        for (List<String> row : rows.subList(0, Math.min(limit, rows.size()))) {
            line(out, row, widths);
        }
        if (rows.size() > limit) {
            out.append("… and ").append(rows.size() - limit).append(" more rows\n");
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            out.append(i == 0 ? "" : " | ").append(cell)
                    .append(" ".repeat(widths[i] - cell.codePointCount(0, cell.length())));
        }
        out.append('\n');
    }
}

package dev.sluice.difftest;

import dev.sluice.difftest.Table.Col;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads rows as canonical text: one list of values per row, in the order of the table's columns. */
final class Reader {

    private Reader() {}

    /** A named normalisation the oracle applies to the source's value (listed in docs/testing.md). */
    static String normaliseSource(Db source, Col col, String canonical) {
        if (canonical == null) {
            return null;
        }
        // PG_TIME_24: docs/source-postgres.md maps time '24:00:00' to 23:59:59.999999
        if (source == Db.PG && col.type().kind() == Kind.TIME && canonical.equals("24:00:00")) {
            return "23:59:59.999999";
        }
        // PG_INFINITY_SENTINELS: docs/source-postgres.md maps infinity/-infinity to the largest/smallest 32-bit
        // epoch day (date) and 64-bit epoch microsecond (the smallest whole second for -infinity; timestamps)
        if (source == Db.PG && (canonical.equals("infinity") || canonical.equals("-infinity"))) {
            boolean positive = canonical.equals("infinity");
            if (col.type().kind() == Kind.DATE) {
                return Kind.epochDay(positive ? Integer.MAX_VALUE : -(long) Integer.MAX_VALUE);
            }
            if (col.type().kind() == Kind.TIMESTAMP || col.type().kind() == Kind.TIMESTAMPTZ) {
                return Kind.epochMicros(positive ? Long.MAX_VALUE : Long.MIN_VALUE / 1_000_000L * 1_000_000L);
            }
        }
        // MARIA_ZERO_DATE_NULL: docs/source-mysql.md delivers zero dates (0000-00-00, zero month or day) as NULL
        Kind kind = col.type().kind();
        if (source == Db.MARIA && (kind == Kind.DATE || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMPTZ)
                && canonical.matches("\\d{4}-\\d{2}-\\d{2}.*") && isZeroDate(canonical)) {
            return null;
        }
        return canonical;
    }

    private static boolean isZeroDate(String date) {
        return date.startsWith("0000-") || date.substring(5, 7).equals("00") || date.substring(8, 10).equals("00");
    }

    /**
     * Reads {@code SELECT <projection of columns><extra> FROM <from>}; a column whose projection the reader cannot
     * evaluate (the sink wrote another type than the source's mapping documents) is read as NULL and reported in
     * {@code problems} with the error of the whole read, so that the other columns are still compared. Each query
     * gets its own statement: DuckDB's JDBC driver closes a statement whose query failed.
     */
    static List<List<String>> readAll(Connection connection, Projection projection, List<Col> columns,
            Set<String> present, String extra, String from, List<String> problems, String table) throws SQLException {
        try {
            return read(connection, "SELECT " + select(projection, columns, present, false) + extra + " FROM " + from,
                    columns);
        } catch (SQLException whole) {
            problems.add(table + ": reading every column at once failed: " + firstLine(whole)
                    + " (columns that cannot be read follow)");
            Set<String> readable = new HashSet<>(present);
            for (Col c : columns) {
                if (!present.contains(c.name())) {
                    continue;
                }
                try {
                    read(connection, "SELECT " + select(projection, List.of(c), present, false) + " FROM " + from,
                            List.of(c));
                } catch (SQLException e) {
                    readable.remove(c.name());
                    problems.add(table + " column " + c.name() + " (" + c.type().label() + "): the sink's value cannot"
                            + " be read as " + c.type().kind() + ": " + firstLine(e));
                }
            }
            try {
                return read(connection, "SELECT " + select(projection, columns, readable, false) + extra + " FROM "
                        + from, columns);
            } catch (SQLException again) {
                again.addSuppressed(whole);
                throw again;
            }
        }
    }

    private static String firstLine(SQLException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    }

    private static List<List<String>> read(Connection connection, String sql, List<Col> columns) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return read(statement, sql, columns);
        }
    }

    /** The projection list for the columns; columns the reader does not have are read as NULL. */
    static String select(Projection projection, List<Col> columns, Set<String> present, boolean source) {
        List<String> parts = new ArrayList<>();
        for (Col c : columns) {
            String quoted = projection.quote(c.name());
            if (!present.contains(c.name())) {
                parts.add("NULL");
            } else if (source && c.type().sourceExpr() != null) {
                parts.add(c.type().sourceExpr().replace("{c}", quoted));
            } else {
                parts.add(projection.expression(c.type().kind(), quoted));
            }
        }
        return String.join(", ", parts);
    }

    /** Reads the first columns.size() columns of each row canonically; extra columns follow as plain strings. */
    static List<List<String>> read(Statement statement, String sql, List<Col> columns) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int total = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(total);
                for (int i = 1; i <= total; i++) {
                    if (i <= columns.size()) {
                        row.add(value(rs, i, columns.get(i - 1).type().kind()));
                    } else {
                        row.add(rs.getString(i));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String value(ResultSet rs, int i, Kind kind) throws SQLException {
        switch (kind) {
            case FLOAT32: {
                // read as a double and narrowed here: MariaDB's text protocol rounds FLOAT to 6 digits
                double d = rs.getDouble(i);
                return rs.wasNull() ? null : Float.toString((float) d);
            }
            case FLOAT64: {
                double d = rs.getDouble(i);
                return rs.wasNull() ? null : Double.toString(d);
            }
            default:
                return kind.canonical(rs.getString(i));
        }
    }

    /** The expected state: the source table read over plain JDBC, by key. */
    static Map<List<String>, List<String>> source(Connection connection, Db db, Table table) throws SQLException {
        try (Statement s = connection.createStatement()) {
            Set<String> all = Set.copyOf(table.columns.stream().map(Col::name).toList());
            List<List<String>> rows = read(s, "SELECT " + select(Projection.of(db), table.columns, all, true)
                    + " FROM " + table.ref(db), table.columns);
            Map<List<String>, List<String>> byKey = new LinkedHashMap<>();
            for (List<String> row : rows) {
                List<String> normalised = new ArrayList<>();
                for (int i = 0; i < row.size(); i++) {
                    normalised.add(normaliseSource(db, table.columns.get(i), row.get(i)));
                }
                byKey.put(key(table, normalised), normalised);
            }
            return byKey;
        }
    }

    static List<String> key(Table table, List<String> row) {
        List<String> key = new ArrayList<>();
        for (int i = 0; i < table.columns.size(); i++) {
            if (table.columns.get(i).key()) {
                key.add(row.get(i));
            }
        }
        return key;
    }
}

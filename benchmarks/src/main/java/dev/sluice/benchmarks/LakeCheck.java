package dev.sluice.benchmarks;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads W6's lake back with DuckDB (not Sluice's reader) and checks it against the source table: the table folded by
 * the documented recipe (docs/sink-s3.md, "Rebuilding a table's state") must equal {@code bench} row by row and
 * column by column; after the last truncate row no key may have been read twice; and the snapshot rows written
 * over all runs ({@code _op = 'r'} in every committed file, those before a later truncate included) are counted.
 */
final class LakeCheck {

    /** The bench columns in forms both sides agree on: timestamps as epoch micros, booleans as 0/1. */
    private static final String LAKE_COLUMNS = "id, i, b, d1, d2, amount, s1, s2, epoch_us(ts), flag::int";
    private static final String PG_COLUMNS = "id, i, b, d1, d2, amount, s1, s2,"
            + " (extract(epoch FROM ts) * 1000000)::bigint, flag::int";
    private static final String MARIADB_COLUMNS = "id, i, b, d1, d2, amount, s1, s2,"
            + " cast(unix_timestamp(ts) * 1000000 AS signed), flag + 0";

    private final String files;

    /** The lake of table {@code namespace.bench} under a sink's local folder. */
    LakeCheck(Path folder, String namespace) {
        this.files = "read_parquet('" + folder.resolve(namespace).resolve("bench").toAbsolutePath().toString()
                .replace("'", "''") + "/**/*.parquet', union_by_name = true)";
    }

    /** Snapshot rows in every committed file of the table. */
    long readRows() throws SQLException {
        return count("SELECT count(*) FROM " + files + " WHERE _op = 'r'");
    }

    /** Keys read more than once by the snapshot after the table's last truncate row: a doubled read. */
    long doubledKeys() throws SQLException {
        return count("SELECT count(*) FROM (SELECT id FROM " + files + " WHERE _op = 'r' AND _seq > (SELECT"
                + " coalesce(max(_seq), 0) FROM " + files + " WHERE _op = 't') GROUP BY id HAVING count(*) > 1)");
    }

    /**
     * Compares the folded lake with the source table; returns null if they are equal, else the first differences
     * and their number.
     */
    String differences(String sourceUrl, RunSpec.Server server, boolean postgres) throws SQLException {
        String fold = "WITH changes AS (SELECT * FROM " + files + "), since_truncate AS (SELECT * FROM changes WHERE"
                + " _seq > (SELECT coalesce(max(_seq), 0) FROM changes WHERE _op = 't')), latest AS (SELECT * FROM"
                + " since_truncate QUALIFY row_number() OVER (PARTITION BY id ORDER BY _seq DESC) = 1)"
                + " SELECT " + LAKE_COLUMNS + " FROM latest WHERE _op <> 'd' ORDER BY id";
        String source = "SELECT " + (postgres ? PG_COLUMNS : MARIADB_COLUMNS) + " FROM bench ORDER BY id";
        List<String> diffs = new ArrayList<>();
        long count = 0;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Connection db = DriverManager.getConnection(sourceUrl, server.user(), server.password());
                Statement ls = duck.createStatement(); Statement ss = db.createStatement();
                ResultSet lake = ls.executeQuery(fold); ResultSet src = ss.executeQuery(source)) {
            boolean hasLake = lake.next();
            boolean hasSource = src.next();
            while (hasLake || hasSource) {
                long lakeId = hasLake ? lake.getLong(1) : Long.MAX_VALUE;
                long sourceId = hasSource ? src.getLong(1) : Long.MAX_VALUE;
                if (lakeId != sourceId) {
                    count++;
                    note(diffs, lakeId < sourceId ? "id " + lakeId + " in the lake only" : "id " + sourceId
                            + " missing from the lake");
                    if (lakeId < sourceId) {
                        hasLake = lake.next();
                    } else {
                        hasSource = src.next();
                    }
                    continue;
                }
                String l = row(lake);
                String s = row(src);
                if (!l.equals(s)) {
                    count++;
                    note(diffs, "lake " + l + " vs source " + s);
                }
                hasLake = lake.next();
                hasSource = src.next();
            }
        }
        return count == 0 ? null : count + " rows differ, e.g. " + String.join("; ", diffs);
    }

    private static void note(List<String> diffs, String diff) {
        if (diffs.size() < 5) {
            diffs.add(diff);
        }
    }

    private static String row(ResultSet rs) throws SQLException {
        StringBuilder b = new StringBuilder("(");
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            b.append(i > 1 ? ", " : "").append(normalize(rs.getObject(i)));
        }
        return b.append(')').toString();
    }

    /** Numbers by value (a double by its shortest form, other numbers without trailing zeros), the rest as text. */
    private static String normalize(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return Double.toString(((Number) value).doubleValue());
        }
        if (value instanceof Number) {
            return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private long count(String sql) throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

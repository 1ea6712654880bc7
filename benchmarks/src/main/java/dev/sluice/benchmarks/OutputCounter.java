package dev.sluice.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a run's Parquet files back with DuckDB, independently of both writers, and counts rows per {@code _op}:
 * a run whose counts differ from what the workload wrote is reported as invalid, so a lossy (or duplicating) run
 * cannot win. For W4 it also counts the updates that carry the JSON document ({@value #UPDATES_WITH_JSON}): none on
 * PostgreSQL (the untouched TOASTed value is not sent; Sluice marks it unchanged, Debezium's placeholder is written as
 * null), every one on MariaDB (its FULL row image re-sends it). So a W4 run on PostgreSQL whose JSON was not TOASTed,
 * or a writer that lost the JSON of MariaDB's updates, is invalid too.
 */
final class OutputCounter {

    /** The key of W4's count of updates whose JSON column is not null. */
    static final String UPDATES_WITH_JSON = "u+json";

    private OutputCounter() {}

    /**
     * Rows per {@code _op} in every {@code .parquet} file under the folder (staging files are not matched), and for
     * W4 the updates carrying the JSON ({@value #UPDATES_WITH_JSON}, left out when there are none).
     */
    static Map<String, Long> countByOp(Path folder, Workload workload) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        String files = "read_parquet('" + folder.toAbsolutePath().toString().replace("'", "''")
                + "/**/*.parquet', union_by_name = true)";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT _op, count(*) FROM " + files
                    // Sluice starts each snapshotted table with a truncate row, which carries no row of the table
                    + " WHERE _op <> 't' GROUP BY _op")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            if (workload == Workload.W4) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + files
                        + " WHERE _op = 'u' AND doc IS NOT NULL")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        counts.put(UPDATES_WITH_JSON, rs.getLong(1));
                    }
                }
            }
        }
        return counts;
    }

    /** The events (rows written) of an {@link #expected} map: its per-{@code _op} counts. */
    static long events(Map<String, Long> expected) {
        return expected.entrySet().stream().filter(e -> !e.getKey().equals(UPDATES_WITH_JSON))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The rows per {@code _op} a workload of n must produce on the database. */
    static Map<String, Long> expected(Workload workload, int n, String database) {
        Map<String, Long> expected = new TreeMap<>();
        switch (workload) {
            case W1, W1I, W1I2, W6 -> expected.put("r", (long) n);
            case W2, W5, LAT -> expected.put("c", (long) n);
            case W4 -> {
                expected.put("c", (long) n);
                expected.put("u", (long) n);
                expected.put(UPDATES_WITH_JSON, database.equals("mariadb") ? n : 0L);
            }
            case W3 -> {
                long updates = 0;
                long inserts = 0;
                long deletes = 0;
                for (int k = 0; k < n; k++) {
                    int m = k % 10;
                    if (m < 7) {
                        updates++;
                    } else if (m < 9) {
                        inserts++;
                    } else {
                        deletes++;
                    }
                }
                expected.put("u", updates);
                expected.put("c", inserts);
                expected.put("d", deletes);
            }
        }
        expected.values().removeIf(v -> v == 0);
        return expected;
    }
}

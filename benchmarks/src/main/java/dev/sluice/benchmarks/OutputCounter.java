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
 * cannot win.
 */
final class OutputCounter {

    private OutputCounter() {}

    /** Rows per {@code _op} in every {@code .parquet} file under the folder (staging files are not matched). */
    static Map<String, Long> countByOp(Path folder) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        String glob = folder.toAbsolutePath().toString().replace("'", "''") + "/**/*.parquet";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT _op, count(*) FROM read_parquet('" + glob
                        + "', union_by_name = true) GROUP BY _op")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** The rows per {@code _op} a workload of n must produce. */
    static Map<String, Long> expected(Workload workload, int n) {
        Map<String, Long> expected = new TreeMap<>();
        switch (workload) {
            case W1 -> expected.put("r", (long) n);
            case W2, W5, LAT -> expected.put("c", (long) n);
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

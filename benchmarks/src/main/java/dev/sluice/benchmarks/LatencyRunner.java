package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Commit-to-visible latency on PostgreSQL at a fixed offered rate: while one system captures live (commit interval
 * as configured, 1 s in the documented run), a writer commits {@code rate/100} rows every 10 ms; a watcher notes
 * when each Parquet file appears under its final name (visible to a reader). A row's latency is that instant minus
 * its source commit time ({@code _commit_ts}, same machine clock). Rows of the first 3 s are the warm-up and not
 * counted. Reports p50 and p99 per system.
 */
final class LatencyRunner {

    private final BenchmarkMain.Options options;
    private final ChildLauncher launcher;
    private final Results results;

    LatencyRunner(BenchmarkMain.Options options, ChildLauncher launcher, Results results) {
        this.options = options;
        this.launcher = launcher;
        this.results = results;
    }

    void run(int rate, int seconds) throws Exception {
        String tag = "lat_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String database = "sluice_bench_" + tag;
        RunSpec.Server server = options.postgres();
        int perTick = Math.max(1, rate / 100);
        int total = perTick * 100 * seconds;
        try (PgFixture pg = new PgFixture(server, database)) {
            pg.createPublication("bench_pub");
            int first = 1;
            for (String system : List.of("sluice", "debezium")) {
                String slot = "bench_" + system + "_" + tag;
                pg.createSlot(slot);
                Path out = Files.createDirectories(options.work().resolve(database + "-" + system));
                RunSpec spec = new RunSpec(system, "postgres", Workload.LAT, server, database, slot, "bench_pub", out,
                        total, options.commitMillis(), true, null, null);
                Map<Path, Long> seen = new ConcurrentHashMap<>();
                Thread watcher = new Thread(() -> watch(out, seen), "latency-watcher");
                watcher.setDaemon(true);
                watcher.start();
                long[] window = new long[2];
                int from = first;
                Thread writer = new Thread(() -> write(server, database, from, perTick, total, window), "latency-writer");
                writer.start();
                String line = launcher.run(spec, out.resolveSibling(out.getFileName() + ".log"));
                writer.join();
                Thread.sleep(100);
                watcher.interrupt();
                first += total;
                List<Double> latencies = latencies(seen, window[0] + 3_000_000L);
                results.latency(system, rate, percentile(latencies, 50), percentile(latencies, 99), latencies.size());
                BenchmarkMain.log("  latency %s: p50 %.0f ms, p99 %.0f ms over %d rows (%s)", system,
                        percentile(latencies, 50), percentile(latencies, 99), latencies.size(), line);
                pg.dropSlot(slot);
            }
        }
    }

    /** Commits perTick rows every 10 ms; window[0] gets the start in epoch micros. */
    private static void write(RunSpec.Server server, String database, int first, int perTick, int total,
            long[] window) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port()
                + "/" + database, server.user(), server.password()); Statement s = c.createStatement()) {
            Thread.sleep(4000); // the capture starts up meanwhile; those rows would measure start-up, not latency
            window[0] = System.currentTimeMillis() * 1000;
            long start = System.nanoTime();
            for (int done = 0, tick = 0; done < total; tick++) {
                long due = start + tick * 10_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                s.execute("INSERT INTO bench SELECT " + PgFixture.ROW + " FROM generate_series(" + (first + done)
                        + ", " + (first + done + perTick - 1) + ") g");
                done += perTick;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the latency writer failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Notes the first time each final .parquet file is seen, every 5 ms. */
    static void watch(Path folder, Map<Path, Long> seen) {
        while (!Thread.currentThread().isInterrupted()) {
            try (Stream<Path> files = Files.walk(folder)) {
                long now = System.currentTimeMillis() * 1000;
                files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("/_sluice/"))
                        .forEach(f -> seen.putIfAbsent(f, now));
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file renamed while listed: the next pass sees it
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<Double> latencies(Map<Path, Long> seen, long fromMicros) throws SQLException {
        List<Double> latencies = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            for (Map.Entry<Path, Long> file : seen.entrySet()) {
                try (ResultSet rs = s.executeQuery("SELECT epoch_us(_commit_ts) FROM read_parquet('"
                        + file.getKey().toString().replace("'", "''") + "')")) {
                    while (rs.next()) {
                        long commit = rs.getLong(1);
                        if (commit >= fromMicros) {
                            latencies.add((file.getValue() - commit) / 1000.0);
                        }
                    }
                }
            }
        }
        return latencies;
    }

    static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    static String format(double millis) {
        return String.format(Locale.ROOT, "%,.0f ms", millis);
    }
}

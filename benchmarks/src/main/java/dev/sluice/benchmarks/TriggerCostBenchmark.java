package dev.sluice.benchmarks;

import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.capture.CaptureDialect;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.source.mysql.MySqlCaptureDialect;
import dev.sluice.source.postgres.PostgresCaptureDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures what capture triggers cost the writers: single-connection write transactions per second (one insert and
 * one update each, pgbench-like) on a scratch table, without and with Sluice's triggers, alternating A/B/A/B in
 * one run on the same server, for PostgreSQL and MySQL/MariaDB. Writes the result to
 * {@code docs/benchmarks-trigger-cost.md}.
 *
 * <p>Run: {@code mvn -B -ntp -o -pl benchmarks -am -DskipTests package dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}, then {@code java -cp benchmarks/target/classes:$(cat benchmarks/cp.txt)
 * dev.sluice.benchmarks.TriggerCostBenchmark [seconds-per-phase] [output]}. Servers and users come from the
 * testkit's variables ({@code SLUICE_PG_*}, {@code SLUICE_MARIADB_*}) with the same defaults; the user needs to
 * create a database named {@code sluice_bench_*}.
 */
public final class TriggerCostBenchmark {

    private TriggerCostBenchmark() {}

    record Result(String database, String version, List<Double> without, List<Double> with) {
        double mean(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path output = Path.of(args.length > 1 ? args[1] : "docs/benchmarks-trigger-cost.md");
        String name = "sluice_bench_trg_" + Long.toHexString(System.nanoTime() & 0xffffff);
        List<Result> results = new ArrayList<>();
        results.add(postgres(name, seconds));
        results.add(mariadb(name, seconds));
        write(output, results, seconds);
        System.out.println(Files.readString(output));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static Result postgres(String name, int seconds) throws Exception {
        String server = "jdbc:postgresql://" + env("SLUICE_PG_HOST", "127.0.0.1") + ":" + env("SLUICE_PG_PORT", "5432")
                + "/";
        String user = env("SLUICE_PG_USER", "sluice");
        String password = env("SLUICE_PG_PASSWORD", "sluice");
        try (Connection admin = DriverManager.getConnection(server + "postgres", user, password)) {
            execute(admin, "CREATE DATABASE " + name);
            try {
                return run("PostgreSQL", server + name, user, password, new PostgresCaptureDialect(), "public.bench",
                        "CREATE TABLE bench (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2), "
                                + "note text, updated_at timestamptz NOT NULL DEFAULT now())", seconds);
            } finally {
                execute(admin, "DROP DATABASE " + name + " WITH (FORCE)");
            }
        }
    }

    private static Result mariadb(String name, int seconds) throws Exception {
        String server = "jdbc:mariadb://" + env("SLUICE_MARIADB_HOST", "127.0.0.1") + ":"
                + env("SLUICE_MARIADB_PORT", "3306") + "/";
        String user = env("SLUICE_MARIADB_USER", "sluice");
        String password = env("SLUICE_MARIADB_PASSWORD", "sluice");
        try (Connection admin = DriverManager.getConnection(server, user, password)) {
            execute(admin, "CREATE DATABASE " + name);
            try {
                return run("MariaDB", server + name, user, password, new MySqlCaptureDialect(), name + ".bench",
                        "CREATE TABLE bench (id BIGINT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2), "
                                + "note VARCHAR(100), updated_at DATETIME(6) NOT NULL DEFAULT NOW(6)) ENGINE=InnoDB",
                        seconds);
            } finally {
                execute(admin, "DROP DATABASE " + name);
            }
        }
    }

    private static Result run(String database, String url, String user, String password, CaptureDialect dialect,
            String table, String ddl, int seconds) throws Exception {
        JdbcCaptureSource source = JdbcCaptureSource.builder(dialect)
                .connections(() -> DriverManager.getConnection(url, user, password), database + " benchmark")
                .tables(TableFilter.include(table))
                .mode(Capture.TRIGGER)
                .build();
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        String version;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            version = c.getMetaData().getDatabaseProductVersion();
            execute(c, ddl);
            long[] nextId = {1};
            transactions(c, nextId, 1); // warm up
            for (int round = 0; round < 2; round++) {
                without.add(transactions(c, nextId, seconds));
                source.install();
                with.add(transactions(c, nextId, seconds));
                source.uninstall();
            }
        }
        return new Result(database, version, without, with);
    }

    /** Transactions per second over {@code seconds}: each inserts a row and updates a random earlier one. */
    private static double transactions(Connection c, long[] nextId, int seconds) throws SQLException {
        c.setAutoCommit(false);
        long count = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO bench (id, account, amount, note) VALUES (?, ?, ?, ?)");
                PreparedStatement update = c.prepareStatement(
                        "UPDATE bench SET amount = amount + 1, note = ? WHERE id = ?")) {
            while (System.nanoTime() < end) {
                long id = nextId[0]++;
                insert.setLong(1, id);
                insert.setInt(2, (int) (id % 1000));
                insert.setBigDecimal(3, java.math.BigDecimal.valueOf(id % 10_000, 2));
                insert.setString(4, "row " + id);
                insert.executeUpdate();
                update.setString(1, "updated " + id);
                update.setLong(2, 1 + ThreadLocalRandom.current().nextLong(id));
                update.executeUpdate();
                c.commit();
                count++;
            }
        } finally {
            c.setAutoCommit(true);
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void write(Path output, List<Result> results, int seconds) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark: what capture triggers cost the writers\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `dev.sluice.benchmarks.TriggerCostBenchmark` on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, shared with other work, so the ")
                .append("numbers are noisy: compare the two columns of one row, not rows across machines.\n\n");
        md.append("One connection runs write transactions (insert one row, update one random earlier row, commit) ")
                .append("for ").append(seconds).append(" s per phase, alternating without and with Sluice's capture ")
                .append("triggers (installed with `JdbcCaptureSource.install()`), two phases each, on the same ")
                .append("table. Every transaction then also writes two change-table rows with JSON images.\n\n");
        md.append("| database | version | TPS without triggers | TPS with triggers | cost |\n|---|---|---|---|---|\n");
        for (Result r : results) {
            double without = r.mean(r.without());
            double with = r.mean(r.with());
            md.append(String.format(Locale.ROOT, "| %s | %s | %.0f (%s) | %.0f (%s) | %+.1f%% |%n", r.database(),
                    r.version(), without, phases(r.without()), with, phases(r.with()),
                    (with - without) / without * 100));
        }
        md.append("\nThe change table is not pruned during the run (no pipeline reads it), as on a source whose ")
                .append("capture is paused; with a running pipeline, pruning adds batched deletes on the source.\n");
        Files.writeString(output, md.toString());
    }

    private static String phases(List<Double> values) {
        StringBuilder text = new StringBuilder();
        for (double v : values) {
            text.append(text.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return text.toString();
    }
}

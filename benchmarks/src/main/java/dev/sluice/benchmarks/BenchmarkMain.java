package dev.sluice.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end benchmark: each workload on PostgreSQL (and MariaDB, where available) through Sluice and through
 * the Debezium embedded engine into the same Parquet settings in a local folder, every run in its own child JVM
 * with the same heap, the output read back and counted, repeated, with the ceilings measured in the same
 * invocation. Writes a markdown table of medians and ratios into {@code docs/benchmarks.md} (between the
 * {@code results} markers) and a bar chart {@code docs/benchmarks.svg}.
 *
 * <p>Run: {@code scripts/benchmark --full} (builds, then runs this class), or {@code java -cp … 
 * dev.sluice.benchmarks.BenchmarkMain [--smoke|--full] [--rows N] [--reps N] [--warmup N]
 * [--in-jvm-warmup|--no-in-jvm-warmup] [--workloads W1,W1I,W1I2,W2,W3,W4,W5,W6] [--w4-rows N] [--w6-rows N]
 * [--w6-rate WRITES_PER_S] [--w6-kills K] [--databases postgres,mariadb] [--heap 256m] [--commit-ms 5000]
 * [--debezium-defaults] [--latency-rate EVENTS_PER_S] [--latency-seconds S] [--markdown FILE] [--svg FILE]
 * [--work DIR]}; {@code --workloads ""} runs none (e.g. for a latency-only run). {@code --chart-from FILE.md
 * OUT.svg} draws the chart again from the table a run wrote. W4 (~8 KB JSON per row) has its own size,
 * {@code --w4-rows}: by default {@code --rows}, 100,000 with {@code --full} (the size) and 200 with
 * {@code --smoke}. {@code --warmup N} runs N discarded repetitions, each in a fresh JVM like the measured ones;
 * {@code --in-jvm-warmup} (on with {@code --full} and {@code --smoke}) runs every measured run's workload once
 * before it in the same JVM, so the measured run finds its code compiled, as a long-running pipeline does, and
 * reports that first run as the cold figure. W1I and W6 are Sluice's incremental snapshot (Sluice only): W1I is W1
 * with {@code SnapshotMode.INCREMENTAL}; W6 ({@link SnapshotUnderWrites}) snapshots {@code --w6-rows} rows (2M with
 * {@code --full}, 2,000 with {@code --smoke}) while a writer updates and deletes them at {@code --w6-rate}, and with
 * {@code --w6-kills K} (10 with {@code --full}) runs again with K SIGKILLs of the pipeline's JVM.
 * Servers and users come from the testkit's variables ({@code SLUICE_PG_*}, {@code SLUICE_MARIADB_*}) with the same defaults.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--chart-from")) {
            // draws the chart again from the table a run wrote into the markdown file
            Files.writeString(Path.of(args[2]), Chart.fromTable(Files.readString(Path.of(args[1])),
                    "End-to-end events/s into Parquet (median, whiskers min–max; log scale)"));
            return;
        }
        Options options = Options.parse(args);
        Results results = run(options);
        Report.write(options, results);
        System.out.println(Report.table(results));
        if (!results.allValid()) {
            System.err.println("some runs did not write exactly the rows of their workload: see the table");
            System.exit(2);
        }
    }

    /** Runs every workload on every database; throws if a run fails. */
    static Results run(Options options) throws Exception {
        Files.createDirectories(options.work());
        Results results = new Results(options);
        ChildLauncher launcher = new ChildLauncher(options.heap());
        if (options.databases().contains("postgres") || options.latencyRate() > 0) {
            PgFixture.dropAbandoned(options.postgres());
        }
        for (String database : options.databases()) {
            for (Workload workload : options.workloads()) {
                log("%s %s, %,d rows", database, workload, options.rows(workload));
                if (workload == Workload.W6) {
                    new SnapshotUnderWrites(options, launcher, results).run(database);
                } else if (database.equals("postgres")) {
                    new PgWorkloadRunner(options, launcher, results).run(workload);
                } else {
                    new MariaDbWorkloadRunner(options, launcher, results).run(workload);
                }
            }
        }
        if (options.latencyRate() > 0) {
            BenchmarkMain.log("postgres latency at %,d events/s for %d s", options.latencyRate(), options.latencySeconds());
            new LatencyRunner(options, launcher, results).run(options.latencyRate(), options.latencySeconds());
        }
        int rows = Math.min(options.rows(), 1_000_000);
        List<Double> rates = new ArrayList<>();
        for (int rep = -options.warmup(); rep < options.reps(); rep++) {
            long millis = Ceilings.parquetWriter(options.work().resolve("ceiling-parquet"), rows);
            if (rep >= 0) {
                rates.add(rows * 1000.0 / Math.max(1, millis));
            }
        }
        results.parquetCeiling(Stats.of(rates).median());
        return results;
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    /** The systems a workload runs on, in the order of the first repetition. */
    static List<String> systems(Options options, Workload workload) {
        return workload.sluiceOnly() ? new ArrayList<>(List.of("sluice")) : systems(options);
    }

    /** The systems of the comparison, in the order of the first repetition. */
    static List<String> systems(Options options) {
        List<String> systems = new ArrayList<>(List.of("sluice", "debezium"));
        if (options.debeziumDefaults()) {
            systems.add("debezium-defaults");
        }
        return systems;
    }

    /** The settings of one invocation. Immutable. */
    record Options(int rows, int reps, int warmup, List<Workload> workloads, List<String> databases, String heap,
            long commitMillis, boolean debeziumDefaults, Path markdown, Path svg, Path work, String mode,
            int latencyRate, int latencySeconds, int w4Rows, boolean inJvmWarmup, int w6Rows, int w6Rate,
            int w6Kills) {

        /** The rows of a workload: {@link #w4Rows} for W4, {@link #w6Rows} for W6, else {@link #rows}. */
        int rows(Workload workload) {
            return workload == Workload.W4 ? w4Rows : workload == Workload.W6 ? w6Rows : rows;
        }

        static Options parse(String[] args) {
            int rows = 200_000;
            int reps = 3;
            int warmup = 1;
            boolean inJvmWarmup = false;
            String mode = "custom";
            List<Workload> workloads = List.of(Workload.W1, Workload.W1I, Workload.W1I2, Workload.W2, Workload.W3, Workload.W4,
                    Workload.W5, Workload.W6);
            int w4Rows = -1; // --rows, unless a mode or --w4-rows says otherwise
            int w6Rows = -1; // likewise
            int w6Rate = 2000;
            int w6Kills = 0;
            List<String> databases = List.of("postgres");
            String heap = "256m";
            long commitMillis = 5000;
            boolean defaults = false;
            int latencyRate = 0;
            int latencySeconds = 20;
            Path markdown = Path.of("docs/benchmarks.md");
            Path svg = Path.of("docs/benchmarks.svg");
            Path work = Path.of(System.getProperty("java.io.tmpdir"), "sluice-bench-" + ProcessHandle.current().pid());
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--smoke" -> {
                        rows = 2_000;
                        reps = 1;
                        warmup = 0;
                        inJvmWarmup = true;
                        commitMillis = 1000;
                        w4Rows = 200;
                        w6Rows = 2_000;
                        mode = "smoke";
                    }
                    case "--full" -> {
                        rows = 1_000_000;
                        reps = 3;
                        warmup = 0;
                        inJvmWarmup = true;
                        databases = List.of("postgres", "mariadb");
                        w4Rows = 100_000;
                        w6Rows = 2_000_000;
                        w6Kills = 10;
                        mode = "full";
                    }
                    case "--rows" -> rows = Integer.parseInt(args[++i]);
                    case "--w4-rows" -> w4Rows = Integer.parseInt(args[++i]);
                    case "--w6-rows" -> w6Rows = Integer.parseInt(args[++i]);
                    case "--w6-rate" -> w6Rate = Integer.parseInt(args[++i]);
                    case "--w6-kills" -> w6Kills = Integer.parseInt(args[++i]);
                    case "--reps" -> reps = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--in-jvm-warmup" -> inJvmWarmup = true;
                    case "--no-in-jvm-warmup" -> inJvmWarmup = false;
                    case "--workloads" -> workloads = Arrays.stream(args[++i].split(",")).filter(w -> !w.isEmpty()).map(Workload::valueOf).toList();
                    case "--databases" -> databases = List.of(args[++i].split(","));
                    case "--heap" -> heap = args[++i];
                    case "--commit-ms" -> commitMillis = Long.parseLong(args[++i]);
                    case "--debezium-defaults" -> defaults = true;
                    case "--latency-rate" -> latencyRate = Integer.parseInt(args[++i]);
                    case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                    case "--markdown" -> markdown = Path.of(args[++i]);
                    case "--svg" -> svg = Path.of(args[++i]);
                    case "--work" -> work = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a + ": see BenchmarkMain's javadoc");
                }
            }
            if (mode.equals("smoke") && !Arrays.asList(args).contains("--markdown")) {
                markdown = work.resolve("benchmarks.md"); // a smoke run never overwrites the documented results
            }
            if (mode.equals("smoke") && !Arrays.asList(args).contains("--svg")) {
                svg = work.resolve("benchmarks.svg");
            }
            if (w4Rows < 0) {
                w4Rows = rows;
            }
            if (w6Rows < 0) {
                w6Rows = rows;
            }
            if (rows < 10 || w4Rows < 10 || w6Rows < 10 || reps < 1 || warmup < 0) {
                throw new IllegalArgumentException("--rows, --w4-rows and --w6-rows must be at least 10, --reps at"
                        + " least 1, --warmup at least 0; got " + rows + ", " + w4Rows + ", " + w6Rows + ", " + reps
                        + ", " + warmup);
            }
            if (w6Rate < 100 || w6Kills < 0) {
                throw new IllegalArgumentException("--w6-rate must be at least 100 writes/s and --w6-kills at least 0;"
                        + " got " + w6Rate + ", " + w6Kills);
            }
            for (String db : databases) {
                if (!db.equals("postgres") && !db.equals("mariadb")) {
                    throw new IllegalArgumentException("unknown database " + db + ": use postgres or mariadb");
                }
            }
            return new Options(rows, reps, warmup, workloads, databases, heap, commitMillis, defaults, markdown, svg,
                    work, mode, latencyRate, latencySeconds, w4Rows, inJvmWarmup, w6Rows, w6Rate, w6Kills);
        }

        static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isEmpty() ? fallback : value;
        }

        RunSpec.Server postgres() {
            return new RunSpec.Server(env("SLUICE_PG_HOST", "127.0.0.1"),
                    Integer.parseInt(env("SLUICE_PG_PORT", "5432")), env("SLUICE_PG_USER", "sluice"),
                    env("SLUICE_PG_PASSWORD", "sluice"));
        }

        RunSpec.Server mariadb() {
            return new RunSpec.Server(env("SLUICE_MARIADB_HOST", "127.0.0.1"),
                    Integer.parseInt(env("SLUICE_MARIADB_PORT", "3306")), env("SLUICE_MARIADB_USER", "sluice"),
                    env("SLUICE_MARIADB_PASSWORD", "sluice"));
        }
    }
}

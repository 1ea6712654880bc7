package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * W6, a snapshot under writes (Sluice only): a fresh table of n rows; a {@link ChangeWriter} updates and deletes
 * them at the offered rate while Sluice's incremental snapshot reads the table into Parquet ({@code
 * runUntilCaughtUp()}, which returns once the snapshot is complete); then the writer stops, a second run catches up,
 * and {@link LakeCheck} compares the folded lake with the table. Measured meanwhile: the snapshot's duration, the log
 * it makes the server keep ({@link LogRetention}), and the commit-to-visible latency of the writer's changes committed
 * between the first visible file and the end of the snapshot (a file's first sighting minus the change's
 * {@code _commit_ts}, as {@link LatencyRunner} does). With kills, a second pass on a fresh table SIGKILLs the
 * pipeline's JVM at random points of the snapshot (each once the committed progress passes a random share of the
 * rows, then after a random part of a commit interval) and starts it again from its stored offset.
 */
final class SnapshotUnderWrites {

    private static final Pattern PROGRESS = Pattern.compile("chunk=(\\d+)");

    private final BenchmarkMain.Options options;
    private final ChildLauncher launcher;
    private final Results results;

    SnapshotUnderWrites(BenchmarkMain.Options options, ChildLauncher launcher, Results results) {
        this.options = options;
        this.launcher = launcher;
        this.results = results;
    }

    /** A pass without kills (duration, log kept, latency), then one with {@code --w6-kills}, if any. */
    void run(String database) throws Exception {
        results.add(pass(database, 0));
        if (options.w6Kills() > 0) {
            results.add(pass(database, options.w6Kills()));
        }
    }

    private W6Result pass(String database, int kills) throws Exception {
        int n = options.w6Rows();
        boolean pg = database.equals("postgres");
        String tag = "w6" + (kills > 0 ? "k" : "") + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String dbName = "sluice_bench_" + tag;
        RunSpec.Server server = pg ? options.postgres() : options.mariadb();
        String url = (pg ? "jdbc:postgresql://" : "jdbc:mariadb://") + server.host() + ":" + server.port() + "/"
                + dbName;
        String slot = pg ? "bench_" + tag : Long.toString(4_000_000_000L + (System.nanoTime() & 0xfffffff));
        Path out = Files.createDirectories(options.work().resolve(dbName));
        RunSpec spec = new RunSpec("sluice", database, Workload.W6, server, dbName, slot, "bench_pub", out, n,
                options.commitMillis(), true, null, null);
        long seed = System.nanoTime();
        BenchmarkMain.log("  W6 on %s: %,d rows, %,d writes/s offered, %d kills, seed %d", database, n,
                options.w6Rate(), kills, seed);
        AutoCloseable fixture = load(pg, server, dbName, n);
        try (fixture; LogRetention log = new LogRetention(url, server, pg, slot);
                ChangeWriter writer = new ChangeWriter(url, server, n, options.w6Rate(), seed)) {
            long tableBytes = log.tableBytes();
            Map<Path, Long> seen = new ConcurrentHashMap<>();
            Thread watcher = new Thread(() -> LatencyRunner.watch(out, seen), "w6-watcher");
            watcher.setDaemon(true);
            watcher.start();
            writer.start();
            log.start();
            long t0 = System.nanoTime();
            int[] killsDone = new int[1];
            String line = snapshot(spec, kills, new Random(seed), killsDone);
            long wallMillis = (System.nanoTime() - t0) / 1_000_000;
            long snapshotEndMicros = System.currentTimeMillis() * 1000;
            long logBytes = log.stop();
            writer.stop();
            BenchmarkMain.log("  snapshot done in %,d ms (%s); writer: %,d updates, %,d deletes at %,.0f writes/s",
                    wallMillis, line, writer.updates(), writer.deletes(), writer.achievedRate());
            launcher.result(spec, out.resolveSibling(dbName + "-catchup.log"),
                    launcher.start(spec, out.resolveSibling(dbName + "-catchup.log")));
            Thread.sleep(100);
            watcher.interrupt();
            List<Double> latencies = latencies(seen, snapshotEndMicros);
            LakeCheck lake = new LakeCheck(out, pg ? "public" : dbName);
            long snapshotMillis = kills > 0 ? wallMillis : Measurement.parse("sluice", database, Workload.W6, 0, n,
                    line, Map.of(), Map.of()).millis();
            W6Result result = new W6Result(database, n, options.w6Rate(), writer.achievedRate(), kills, killsDone[0],
                    snapshotMillis, logBytes, tableBytes, LatencyRunner.percentile(latencies, 50),
                    LatencyRunner.percentile(latencies, 99), latencies.size(), lake.readRows(), lake.doubledKeys(),
                    lake.differences(url, server, pg), options.commitMillis());
            BenchmarkMain.log("  W6 %s: %s", database, result.valid() ? "lake equals source" : "INVALID " + result);
            return result;
        }
    }

    private static AutoCloseable load(boolean pg, RunSpec.Server server, String dbName, int n) throws SQLException {
        if (pg) {
            PgFixture fixture = new PgFixture(server, dbName);
            fixture.loadRows(n);
            fixture.createPublication("bench_pub");
            return fixture;
        }
        MariaDbFixture fixture = new MariaDbFixture(server, dbName);
        fixture.loadRows(n);
        return fixture;
    }

    /**
     * Runs the pipeline until its snapshot is complete, SIGKILLing it {@code kills} times on the way, each once the
     * committed progress has passed a random share (5–90%) of the rows and a commit of the JVM being killed, and a
     * random part of a commit interval more;
     * returns the last run's result line. A snapshot that ends before a kill is due ends the kills (the result says
     * how many were done).
     */
    private String snapshot(RunSpec spec, int kills, Random random, int[] killsDone) throws Exception {
        double[] shares = new double[kills];
        for (int k = 0; k < kills; k++) {
            shares[k] = 0.05 + 0.85 * random.nextDouble();
        }
        Arrays.sort(shares);
        for (int launch = 0; ; launch++) {
            Path childLog = spec.output().resolveSibling(spec.output().getFileName() + "-" + launch + ".log");
            // each kill waits for a commit of this JVM's own: a restart is never killed before it has done work
            long due = killsDone[0] < kills ? Math.max((long) (shares[killsDone[0]] * spec.expected()),
                    committedProgress(spec.output()) + 1) : 0;
            Process child = launcher.start(spec, childLog);
            if (killsDone[0] < kills && waitForProgress(spec, due, child)) {
                Thread.sleep(random.nextInt((int) Math.max(1, spec.commitMillis())));
                // a commit without progress: the snapshot is complete, and a kill now would not be "during" it
                if (child.isAlive() && committedProgress(spec.output()) >= 0) {
                    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close
                    child.waitFor(1, TimeUnit.MINUTES);
                    killsDone[0]++;
                    BenchmarkMain.log("  killed the pipeline (%d of %d) at %,d committed snapshot rows", killsDone[0],
                            kills, committedProgress(spec.output()));
                    continue;
                }
            }
            return launcher.result(spec, childLog, child);
        }
    }

    /** Waits until the committed snapshot progress reaches {@code rows}; false if the child ended first. */
    private static boolean waitForProgress(RunSpec spec, long rows, Process child) throws Exception {
        while (child.isAlive()) {
            if (committedProgress(spec.output()) >= rows) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** The rows read by the snapshot per the newest commit record's offset, or -1 (none, or no progress in it). */
    static long committedProgress(Path folder) throws IOException {
        Path commits = folder.resolve("_sluice").resolve("bench").resolve("commits");
        if (!Files.isDirectory(commits)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(commits)) {
            Path newest = files.filter(f -> f.toString().endsWith(".json")).max(Path::compareTo).orElse(null);
            if (newest == null) {
                return -1;
            }
            Matcher m = PROGRESS.matcher(Files.readString(newest));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (NoSuchFileException e) {
            return -1; // renamed while listed: the next look sees the new one
        }
    }

    /** Latencies (ms) of the writer's changes committed after the first file was visible and before {@code to}. */
    private static List<Double> latencies(Map<Path, Long> seen, long to) throws SQLException {
        List<Double> latencies = new ArrayList<>();
        long from = seen.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            for (Map.Entry<Path, Long> file : seen.entrySet()) {
                try (ResultSet rs = s.executeQuery("SELECT epoch_us(_commit_ts) FROM read_parquet('"
                        + file.getKey().toString().replace("'", "''") + "') WHERE _op IN ('u', 'd')")) {
                    while (rs.next()) {
                        long commit = rs.getLong(1);
                        if (commit >= from && commit < to) {
                            latencies.add((file.getValue() - commit) / 1000.0);
                        }
                    }
                }
            }
        }
        return latencies;
    }
}

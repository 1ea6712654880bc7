package dev.sluice.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one workload on MariaDB: a fresh scratch database, the load, then warm-ups and repetitions of each system
 * (alternating which goes first) and of the ceilings. Log workloads record the binlog position before writing the
 * backlog, and every run starts there (each with its own replica server id), so all read the same binlog. Their
 * ceilings are a no-op {@code BinaryLogClient} listener (the reference of "% of ceiling") and {@code mariadb-binlog}.
 */
final class MariaDbWorkloadRunner {

    private final BenchmarkMain.Options options;
    private final ChildLauncher launcher;
    private final Results results;

    MariaDbWorkloadRunner(BenchmarkMain.Options options, ChildLauncher launcher, Results results) {
        this.options = options;
        this.launcher = launcher;
        this.results = results;
    }

    void run(Workload workload) throws Exception {
        int n = options.rows(workload);
        String tag = workload.name().toLowerCase(Locale.ROOT) + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String database = "sluice_bench_" + tag;
        RunSpec.Server server = options.mariadb();
        long serverIdBase = 4_000_000_000L + (System.nanoTime() & 0xfffffff);
        try (MariaDbFixture db = new MariaDbFixture(server, database, workload == Workload.W4)) {
            long t0 = System.nanoTime();
            String[] start = null;
            switch (workload) {
                case W1, W1I, W1I2 -> db.loadRows(n);
                case W2 -> {
                    start = db.position();
                    db.singleRowInserts(1, n);
                }
                case W3 -> {
                    db.loadRows(n);
                    start = db.position();
                    db.mixed(n, n);
                }
                case W4 -> {
                    // the capture starts before the load: the backlog holds the inserts and the updates
                    start = db.position();
                    db.loadJsonRows(n);
                    db.updateCounters(n);
                }
                case W5 -> {
                    start = db.position();
                    db.loadRows(n);
                }
            }
            String[] end = db.position();
            BenchmarkMain.log("loaded in %.1f s", (System.nanoTime() - t0) / 1e9);
            String from = start == null ? "" : start[0] + ":" + start[1] + ":" + start[2];
            Map<String, Long> expected = OutputCounter.expected(workload, n, "mariadb");
            long events = OutputCounter.events(expected);
            int run = 0;
            for (int rep = -options.warmup(); rep < options.reps(); rep++) {
                List<String> systems = BenchmarkMain.systems(options, workload);
                if (Math.floorMod(rep, 2) == 1) {
                    java.util.Collections.reverse(systems);
                }
                for (String system : systems) {
                    String serverId = Long.toString(serverIdBase + run++);
                    Path out = options.work().resolve(database + "-" + system + "-" + (rep + options.warmup()));
                    RunSpec spec = new RunSpec(system, "mariadb", workload, server, database, serverId, from, out,
                            events, options.commitMillis(), !system.endsWith("defaults"), null, null);
                    if (options.inJvmWarmup()) {
                        spec = spec.withWarmUp(Long.toString(serverIdBase + run++),
                                out.resolveSibling(out.getFileName() + "-warmup"));
                    }
                    Path log = out.resolveSibling(out.getFileName() + ".log");
                    String line = launcher.run(spec, log);
                    results.recordCold(spec, rep, events, expected, log);
                    Map<String, Long> counted = OutputCounter.countByOp(out, workload);
                    Measurement m = Measurement.parse(system, "mariadb", workload, rep, events, line, counted, expected);
                    BenchmarkMain.log("  %s%s: %,.0f events/s, %s%s", system, rep < 0 ? " (warm-up)" : "",
                            m.eventsPerSecond(), counted, m.valid() ? "" : " INVALID, expected " + expected);
                    if (rep >= 0) {
                        results.add(m);
                    }
                }
                if (rep >= 0) {
                    if (workload.snapshot()) {
                        results.ceiling("mariadb", workload, "SELECT streamed to nothing",
                                events * 1000.0 / Math.max(1, db.streamSelect()));
                    } else {
                        // recorded first, so it is the reference of the "% of ceiling" column (Report.ceiling)
                        long clientMillis = Ceilings.binaryLogClient(server, serverIdBase + run++, start[0],
                                Long.parseLong(start[1]), database, events);
                        results.ceiling("mariadb", workload, "no-op BinaryLogClient listener",
                                events * 1000.0 / Math.max(1, clientMillis));
                        long millis = Ceilings.mariadbBinlog(server, db.binlogsFrom(start[0]), start[1], end[1]);
                        results.ceiling("mariadb", workload, "mariadb-binlog --read-from-remote-server to /dev/null",
                                events * 1000.0 / Math.max(1, millis));
                    }
                }
            }
        }
    }
}

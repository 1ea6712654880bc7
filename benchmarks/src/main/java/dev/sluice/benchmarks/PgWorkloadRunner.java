package dev.sluice.benchmarks;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one workload on PostgreSQL: a fresh scratch database, the load, then warm-ups and repetitions of each
 * system (alternating which goes first) and of the ceilings. Log workloads write their backlog once, after a
 * template slot was created; every run (and {@code pg_recvlogical}) copies that slot, so all read the very same
 * log. The snapshot runs each create their own slot. Slots and the database are dropped at the end.
 */
final class PgWorkloadRunner {

    private final BenchmarkMain.Options options;
    private final ChildLauncher launcher;
    private final Results results;

    PgWorkloadRunner(BenchmarkMain.Options options, ChildLauncher launcher, Results results) {
        this.options = options;
        this.launcher = launcher;
        this.results = results;
    }

    void run(Workload workload) throws Exception {
        int n = options.rows(workload);
        String tag = workload.name().toLowerCase(Locale.ROOT) + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String database = "sluice_bench_" + tag;
        String publication = "bench_pub";
        String template = "bench_tpl_" + tag;
        RunSpec.Server server = options.postgres();
        String endLsn = null;
        try (PgFixture pg = new PgFixture(server, database, workload == Workload.W4)) {
            long t0 = System.nanoTime();
            switch (workload) {
                case W1, W1I, W1I2 -> pg.loadRows(n);
                case W2 -> {
                    pg.createPublication(publication);
                    pg.createSlot(template);
                    pg.singleRowInserts(1, n);
                }
                case W3 -> {
                    pg.loadRows(n);
                    pg.createPublication(publication);
                    pg.createSlot(template);
                    pg.mixed(n, n);
                }
                case W4 -> {
                    // the capture starts before the load: the backlog holds the inserts and the updates
                    pg.createPublication(publication);
                    pg.createSlot(template);
                    pg.loadJsonRows(n);
                    pg.updateCounters(n);
                }
                case W5 -> {
                    pg.createPublication(publication);
                    pg.createSlot(template);
                    pg.loadRows(n);
                }
            }
            if (workload.snapshot()) {
                pg.createPublication(publication);
            } else {
                endLsn = pg.currentLsn();
            }
            BenchmarkMain.log("loaded in %.1f s", (System.nanoTime() - t0) / 1e9);
            Map<String, Long> expected = OutputCounter.expected(workload, n, "postgres");
            long events = OutputCounter.events(expected);
            for (int rep = -options.warmup(); rep < options.reps(); rep++) {
                var systems = BenchmarkMain.systems(options, workload);
                if (Math.floorMod(rep, 2) == 1) {
                    java.util.Collections.reverse(systems);
                }
                for (String system : systems) {
                    String slot = "bench_" + system.replace('-', '_') + "_" + tag + "_" + (rep + options.warmup());
                    if (!workload.snapshot()) {
                        pg.copySlot(template, slot);
                    }
                    Path out = options.work().resolve(database + "-" + system + "-" + (rep + options.warmup()));
                    RunSpec spec = new RunSpec(system, "postgres", workload, server, database, slot, publication, out,
                            events, options.commitMillis(), !system.endsWith("defaults"), null, null);
                    String warmSlot = slot + "_w";
                    if (options.inJvmWarmup()) {
                        spec = spec.withWarmUp(warmSlot, out.resolveSibling(out.getFileName() + "-warmup"));
                        if (!workload.snapshot()) {
                            pg.copySlot(template, warmSlot);
                        }
                    }
                    String line;
                    long serverCpu = -1;
                    if (workload.snapshot()) {
                        line = launcher.run(spec, out.resolveSibling(out.getFileName() + ".log"));
                    } else {
                        try (WalSenderCpu walSender = new WalSenderCpu(server, database, slot)) {
                            line = launcher.run(spec, out.resolveSibling(out.getFileName() + ".log"));
                            serverCpu = walSender.stop();
                        }
                    }
                    pg.dropSlot(slot);
                    if (options.inJvmWarmup()) {
                        pg.dropSlot(warmSlot); // the warm-up run made it (snapshot) or got it copied (log)
                    }
                    results.recordCold(spec, rep, events, expected, out.resolveSibling(out.getFileName() + ".log"));
                    Map<String, Long> counted = OutputCounter.countByOp(out, workload);
                    Measurement m = Measurement.parse(system, "postgres", workload, rep, events, line, counted, expected)
                            .withServerCpu(serverCpu);
                    BenchmarkMain.log("  %s%s: %,.0f events/s, %s%s", system, rep < 0 ? " (warm-up)" : "",
                            m.eventsPerSecond(), counted, m.valid() ? "" : " INVALID, expected " + expected);
                    if (rep >= 0) {
                        results.add(m);
                    }
                }
                if (rep >= 0) {
                    ceiling(pg, workload, server, database, publication, template, endLsn, events, rep);
                }
            }
        }
    }

    private void ceiling(PgFixture pg, Workload workload, RunSpec.Server server, String database,
            String publication, String template, String endLsn, long events, int rep) throws Exception {
        if (workload.snapshot()) {
            long millis = pg.copyBinary();
            results.ceiling("postgres", workload, "COPY (FORMAT binary) to /dev/null",
                    events * 1000.0 / Math.max(1, millis));
            return;
        }
        String slot = "bench_recv_" + template.substring("bench_tpl_".length()) + "_" + rep;
        pg.copySlot(template, slot);
        try {
            long millis = Ceilings.recvLogical(server, database, slot, publication, endLsn);
            results.ceiling("postgres", workload, "pg_recvlogical (pgoutput) to /dev/null",
                    events * 1000.0 / Math.max(1, millis));
        } finally {
            pg.dropSlot(slot);
        }
    }
}

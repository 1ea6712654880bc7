package dev.sluice.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one invocation measured: the runs (warm-ups excluded) and the ceilings. Not thread-safe. */
final class Results {

    private final BenchmarkMain.Options options;
    private final List<Measurement> runs = new ArrayList<>();
    private final List<Measurement> coldRuns = new ArrayList<>();
    private final Map<String, List<Double>> ceilings = new LinkedHashMap<>();
    private final Map<String, String> missing = new LinkedHashMap<>();
    private final List<String[]> latencies = new ArrayList<>();
    private final List<W6Result> snapshotsUnderWrites = new ArrayList<>();
    private double parquetCeiling = Double.NaN;

    Results(BenchmarkMain.Options options) {
        this.options = options;
    }

    BenchmarkMain.Options options() {
        return options;
    }

    void add(Measurement measurement) {
        runs.add(measurement);
    }

    /**
     * Records the warm-up run of a measured run's JVM (its {@code COLD} line in the child's log) with the count of
     * its own output, unless the run had none or was itself a warm-up repetition.
     */
    void recordCold(RunSpec spec, int repetition, long events, Map<String, Long> expected, Path log)
            throws java.io.IOException, java.sql.SQLException {
        String line = ChildLauncher.coldLine(log);
        if (line == null || repetition < 0) {
            return;
        }
        Map<String, Long> counted = OutputCounter.countByOp(spec.warmUpOutput(), spec.workload());
        Measurement cold = Measurement.parse(spec.system(), spec.database(), spec.workload(), repetition, events,
                line, counted, expected);
        BenchmarkMain.log("  %s, its JVM's warm-up run: %,.0f events/s%s", spec.system(), cold.eventsPerSecond(),
                cold.valid() ? "" : " INVALID, counted " + counted + ", expected " + expected);
        coldRuns.add(cold);
    }

    List<Measurement> allColdRuns() {
        return coldRuns;
    }

    List<Measurement> coldRuns(String database, Workload workload, String system) {
        return coldRuns.stream().filter(m -> m.database().equals(database) && m.workload() == workload
                && m.system().equals(system)).toList();
    }

    /** A ceiling's events per second for a database and workload, one value per repetition. */
    void ceiling(String database, Workload workload, String what, double eventsPerSecond) {
        ceilings.computeIfAbsent(database + "|" + workload + "|" + what, k -> new ArrayList<>()).add(eventsPerSecond);
    }

    /** Marks a system's runs on a database as not done, with the reason. */
    void missing(String database, String system, String reason) {
        missing.put(database + "|" + system, reason);
    }

    /** Commit-to-visible latency of a system at an offered rate. */
    void latency(String system, int rate, double p50, double p99, int rows) {
        latencies.add(new String[] {system, Integer.toString(rate), String.format(java.util.Locale.ROOT, "%.0f", p50),
                String.format(java.util.Locale.ROOT, "%.0f", p99), Integer.toString(rows)});
    }

    void add(W6Result result) {
        snapshotsUnderWrites.add(result);
    }

    List<W6Result> snapshotsUnderWrites() {
        return snapshotsUnderWrites;
    }

    List<String[]> latencies() {
        return latencies;
    }

    void parquetCeiling(double eventsPerSecond) {
        parquetCeiling = eventsPerSecond;
    }

    List<Measurement> runs() {
        return runs;
    }

    List<Measurement> runs(String database, Workload workload, String system) {
        return runs.stream().filter(m -> m.database().equals(database) && m.workload() == workload
                && m.system().equals(system)).toList();
    }

    Map<String, List<Double>> ceilings() {
        return ceilings;
    }

    Map<String, String> missing() {
        return missing;
    }

    double parquetCeiling() {
        return parquetCeiling;
    }

    boolean allValid() {
        return runs.stream().allMatch(Measurement::valid) && coldRuns.stream().allMatch(Measurement::valid)
                && snapshotsUnderWrites.stream().allMatch(W6Result::valid);
    }
}

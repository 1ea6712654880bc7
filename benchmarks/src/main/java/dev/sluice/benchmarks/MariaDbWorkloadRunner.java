package dev.sluice.benchmarks;

/** Runs one workload on MariaDB. */
final class MariaDbWorkloadRunner {

    private final Results results;

    MariaDbWorkloadRunner(BenchmarkMain.Options options, ChildLauncher launcher, Results results) {
        this.results = results;
    }

    void run(Workload workload) {
        results.missing("mariadb", "sluice", "the MySQL/MariaDB binlog source has not landed");
    }
}

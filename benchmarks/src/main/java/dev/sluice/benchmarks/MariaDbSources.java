package dev.sluice.benchmarks;

import dev.sluice.Source;

/** The Sluice source for MariaDB runs. */
final class MariaDbSources {

    private MariaDbSources() {}

    static Source sluice(RunSpec spec) {
        throw new UnsupportedOperationException("the MySQL/MariaDB binlog source (issue 4) has not landed on this"
                + " branch yet: MariaDB runs of Sluice are not available");
    }
}

package dev.sluice.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The incremental snapshot's part of the report: W1I against W1 (Sluice, same invocation) and the W6 table (a
 * snapshot under writes, with and without kills).
 */
final class IncrementalReport {

    private IncrementalReport() {}

    static String section(Results results) {
        StringBuilder b = new StringBuilder();
        for (String db : results.options().databases()) {
            Stats w1 = Report.stat(results.runs(db, Workload.W1, "sluice"), Measurement::eventsPerSecond);
            Stats w1i = Report.stat(results.runs(db, Workload.W1I, "sluice"), Measurement::eventsPerSecond);
            if (w1.present() && w1i.present()) {
                b.append(String.format(Locale.ROOT, "%nIncremental snapshot on %s: W1I %s events/s ÷ W1 %s events/s"
                        + " (Sluice, medians) = **%.0f%%** (target: at least 90%%).%n", db, w1i.format(), w1.format(),
                        100 * w1i.median() / w1.median()));
            }
            Stats w1i2 = Report.stat(results.runs(db, Workload.W1I2, "sluice"), Measurement::eventsPerSecond);
            if (w1.present() && w1i2.present()) {
                b.append(String.format(Locale.ROOT, "%nIncremental snapshot with 2 chunks at once on %s: W1I2 %s"
                        + " events/s ÷ W1 %s events/s (Sluice, medians) = **%.0f%%**%s.%n", db, w1i2.format(),
                        w1.format(), 100 * w1i2.median() / w1.median(), w1i.present() ? String.format(Locale.ROOT,
                        "; ÷ W1I = **%.2f×**", w1i2.median() / w1i.median()) : ""));
            }
        }
        List<W6Result> w6 = results.snapshotsUnderWrites();
        if (w6.isEmpty()) {
            return b.toString();
        }
        b.append(String.format(Locale.ROOT, "%nW6 snapshot under writes (Sluice, `SnapshotMode.INCREMENTAL`, default"
                + " chunk size, commit interval %d ms):%n%n", results.options().commitMillis()));
        b.append("| database | rows | kills done (asked) | writes/s offered (achieved) | snapshot s | log kept MiB"
                + " | table MiB | log ÷ table | latency p50 / p99 ms (changes) | p99 ≤ commit + 1 s | rows read ÷"
                + " table rows | keys read twice | folded lake = source |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
        for (W6Result r : w6) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %d (%d) | %,d (%,.0f) | %.1f | %.1f%s | %.1f | %.2f | %s |"
                    + " %s | %.3f | %d | %s |%n", r.database(), r.rows(), r.killsDone(), r.killsAsked(),
                    r.offeredRate(), r.achievedRate(), r.snapshotMillis() / 1000.0, r.logBytes() / 1048576.0,
                    r.database().equals("postgres") ? " (peak WAL kept by the slot)" : " (binlog written)",
                    r.tableBytes() / 1048576.0, (double) r.logBytes() / Math.max(1, r.tableBytes()), latency(r),
                    r.latencyRows() == 0 ? "—" : r.latencyWithinBound() ? "yes" : "**no**",
                    (double) r.readRows() / r.rows(), r.doubledKeys(),
                    r.differences() == null ? "yes" : "**no**: " + r.differences()));
        }
        return b.toString();
    }

    private static String latency(W6Result r) {
        if (r.latencyRows() == 0) {
            return "— (0)";
        }
        String text = String.format(Locale.ROOT, "%,.0f / %,.0f (%,d)", r.p50Millis(), r.p99Millis(), r.latencyRows());
        return r.killsAsked() > 0 ? text + ", restarts included" : text;
    }
}

package dev.sluice.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness in smoke mode (2,000 rows, W4 200 rows of ~8 KB JSON, one repetition after a warm-up run in
 * the same JVM) against the real servers, so it cannot rot: every system's output, the warm-up runs' too, is read
 * back and holds exactly the rows of its workload (W1I: Sluice's incremental snapshot, Sluice only; W6: an
 * incremental snapshot under updates and deletes, whose folded lake must equal the table) (for W4 also: no update carries the untouched JSON on PostgreSQL, every update does on MariaDB), the
 * ceilings are measured, and the report and chart are written. Says nothing about speed.
 */
class BenchmarkSmokeIT {

    @Test
    void smokeRunWritesEveryRowOnceForBothSystemsOnBothDatabasesAndReportsIt(@TempDir Path dir) throws Exception {
        Path markdown = dir.resolve("benchmarks.md");
        Files.writeString(markdown, "# hand-written intro\n\n" + Report.START + "\nold\n" + Report.END + "\n\nnotes\n");
        BenchmarkMain.Options options = BenchmarkMain.Options.parse(new String[] {"--smoke", "--workloads", "W1,W1I,W2,W3,W4,W6",
                "--databases", "postgres,mariadb", "--markdown", markdown.toString(), "--svg",
                dir.resolve("chart.svg").toString(), "--work", dir.resolve("work").toString()});

        Results results = BenchmarkMain.run(options);
        Report.write(options, results);

        // W1-W4 for both systems, W1I for Sluice only, on both databases
        assertThat(results.runs()).hasSize(2 * 4 * 2 + 2);
        // smoke mode warms each measured run's JVM with a run of its own, counted like the measured one
        assertThat(results.allColdRuns()).hasSize(2 * 4 * 2 + 2);
        assertThat(results.runs()).filteredOn(m -> m.workload() == Workload.W1I).extracting(Measurement::system)
                .containsOnly("sluice");
        for (Measurement m : java.util.stream.Stream.concat(results.runs().stream(), results.allColdRuns().stream())
                .toList()) {
            Map<String, Long> expected = switch (m.workload()) {
                case W1, W1I -> Map.of("r", 2000L);
                case W2 -> Map.of("c", 2000L);
                case W3 -> Map.of("u", 1400L, "c", 400L, "d", 200L);
                // PostgreSQL sends no untouched TOASTed JSON with an update; MariaDB's FULL row image re-sends it
                case W4 -> m.database().equals("postgres") ? Map.of("c", 200L, "u", 200L)
                        : Map.of("c", 200L, "u", 200L, OutputCounter.UPDATES_WITH_JSON, 200L);
                default -> throw new AssertionError(m.workload());
            };
            assertThat(m.counted()).as("%s %s %s", m.system(), m.database(), m.workload()).isEqualTo(expected);
            assertThat(m.millis()).isPositive();
            assertThat(m.bytes()).isPositive();
            assertThat(m.rssPeak()).isPositive();
        }
        // W6: the snapshot under writes ends with the folded lake equal to the table, on both databases
        assertThat(results.snapshotsUnderWrites()).extracting(W6Result::database).containsExactly("postgres", "mariadb");
        for (W6Result r : results.snapshotsUnderWrites()) {
            assertThat(r.differences()).as(r.database()).isNull();
            assertThat(r.doubledKeys()).isZero();
            assertThat(r.readRows()).isBetween(1L, 2000L);
            assertThat(r.achievedRate()).isPositive();
            assertThat(r.logBytes()).isPositive();
            assertThat(r.tableBytes()).isPositive();
            assertThat(r.killsAsked()).isZero();
        }
        // PostgreSQL: COPY ×2 (W1, W1I), pg_recvlogical ×3; MariaDB: SELECT ×2, then BinaryLogClient and
        // mariadb-binlog ×3
        assertThat(results.ceilings()).hasSize(5 + 2 + 2 * 3);
        assertThat(results.ceilings()).containsKey("mariadb|W4|no-op BinaryLogClient listener");
        String text = Files.readString(markdown);
        assertThat(text).startsWith("# hand-written intro").endsWith("notes\n").doesNotContain("\nold\n")
                .contains("| postgres | W2 backlog of single-row inserts | 2,000 |")
                .contains("| mariadb | W3 mixed ops (70/20/10 u/i/d) | 2,000 |")
                .contains("| postgres | W4 " + Workload.W4.title() + " | 400 |")
                .contains("W4: 200 rows of ~8 KB JSON")
                .contains("each measured run after a warm-up run in its own JVM")
                .contains("The same runs' cold start").contains("| mariadb | W2 | ")
                .contains("JIT compiling s per run")
                .contains("| postgres | W1I " + Workload.W1I.title() + " | 2,000 |")
                .contains("Incremental snapshot on mariadb: W1I ")
                .contains("W6 snapshot under writes").contains("| postgres | 2,000 | 0 (0) | 2,000 (")
                .doesNotContain("INVALID");
        assertThat(Files.readString(dir.resolve("chart.svg"))).startsWith("<svg").contains("postgres W1");
    }
}

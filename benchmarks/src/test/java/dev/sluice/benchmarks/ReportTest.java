package dev.sluice.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.capture.SnapshotMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's table, ratios and validity marks, and the chart drawn from a run or again from its table. */
class ReportTest {

    private static Measurement run(String system, int rep, long millis, Map<String, Long> counted) {
        return new Measurement(system, "postgres", Workload.W2, rep, 2000, millis, 500, 10 << 20, 20 << 20, 100 << 20,
                4096, counted, Map.of("c", 2000L), -1, 300, 40);
    }

    private static Results results() {
        BenchmarkMain.Options options = BenchmarkMain.Options.parse(new String[] {"--rows", "2000", "--reps", "3",
                "--workloads", "W2", "--databases", "postgres"});
        Results results = new Results(options);
        for (int rep = 0; rep < 3; rep++) {
            results.add(run("sluice", rep, 1000 + rep * 100L, Map.of("c", 2000L)));        // 2,000 / 1,818 / 1,667
            results.add(run("debezium", rep, 4000, Map.of("c", 2000L)));                  // 500
            results.ceiling("postgres", Workload.W2, "pg_recvlogical", 10_000 + rep * 1000);
        }
        return results;
    }

    @Test
    void tableShowsMediansWithRangeTheRatioOfMediansAndTheShareOfTheCeiling() {
        String table = Report.table(results());

        assertThat(table).contains("| postgres | W2 backlog of single-row inserts | 2,000 | 1,818 (1,667–2,000) | 500 (500–500)"
                + " | **3.64×** | 11,000 (10,000–12,000) | 17% |");
    }

    @Test
    void aRunThatLostRowsIsMarkedInvalidAndLeftOutOfTheMedians() {
        Results results = results();
        results.add(run("debezium", 3, 100, Map.of("c", 1999L)));

        String table = Report.table(results);

        assertThat(results.allValid()).isFalse();
        assertThat(table).contains("| 500 (500–500) **INVALID** |").contains("**3.64×**")
                .contains("**INVALID run** debezium postgres W2: counted {c=1999}, expected {c=2000}");
    }

    @Test
    void chartFromTheWrittenTableHasTheSameBarsAsTheChartOfTheRun() {
        Results results = results();

        String direct = Chart.svg(results);
        String again = Chart.fromTable("intro\n\n" + Report.table(results), "title");

        for (String bar : new String[] {"<title>sluice 1,818</title>", "<title>debezium 500</title>",
                "<title>ceiling 11,000</title>"}) {
            assertThat(direct).contains(bar);
            assertThat(again).contains(bar);
        }
        assertThat(again).contains(">postgres W2</text>");
    }

    @Test
    void w4HasItsOwnSizeFollowingRowsUnlessAModeOrTheOptionSetsIt() {
        assertThat(BenchmarkMain.Options.parse(new String[] {"--rows", "5000"}).rows(Workload.W4)).isEqualTo(5000);
        assertThat(BenchmarkMain.Options.parse(new String[] {"--full"}).rows(Workload.W4)).isEqualTo(100_000);
        assertThat(BenchmarkMain.Options.parse(new String[] {"--full"}).rows(Workload.W2)).isEqualTo(1_000_000);
        assertThat(BenchmarkMain.Options.parse(new String[] {"--smoke"}).rows(Workload.W4)).isEqualTo(200);
        BenchmarkMain.Options both = BenchmarkMain.Options.parse(new String[] {"--rows", "5000", "--w4-rows", "300"});
        assertThat(both.rows(Workload.W4)).isEqualTo(300);
        assertThat(both.rows(Workload.W3)).isEqualTo(5000);
        assertThat(BenchmarkMain.Options.parse(new String[0]).workloads()).contains(Workload.W4, Workload.W1I,
                Workload.W6);
    }

    @Test
    void w6HasTheIssuesSizeAndKillsWithFullAndASmallTableWithSmoke() {
        BenchmarkMain.Options full = BenchmarkMain.Options.parse(new String[] {"--full"});
        assertThat(full.rows(Workload.W6)).isEqualTo(2_000_000);
        assertThat(full.w6Kills()).isEqualTo(10);
        assertThat(full.w6Rate()).isEqualTo(2000);
        BenchmarkMain.Options smoke = BenchmarkMain.Options.parse(new String[] {"--smoke"});
        assertThat(smoke.rows(Workload.W6)).isEqualTo(2000);
        assertThat(smoke.w6Kills()).isZero();
        BenchmarkMain.Options custom = BenchmarkMain.Options.parse(new String[] {"--rows", "5000", "--w6-rows",
                "300", "--w6-rate", "500", "--w6-kills", "3"});
        assertThat(custom.rows(Workload.W6)).isEqualTo(300);
        assertThat(custom.rows(Workload.W1I)).isEqualTo(5000);
        assertThat(custom.w6Rate()).isEqualTo(500);
        assertThat(custom.w6Kills()).isEqualTo(3);
        assertThat(Workload.W1I.snapshotMode()).isEqualTo(SnapshotMode.INCREMENTAL);
        assertThat(Workload.W1.snapshotMode()).isEqualTo(SnapshotMode.INITIAL);
        assertThat(Workload.W3.snapshotMode()).isEqualTo(SnapshotMode.NEVER);
    }
}

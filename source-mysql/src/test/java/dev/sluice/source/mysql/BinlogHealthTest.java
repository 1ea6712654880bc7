package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backlog and risk levels from binlog files and a position. */
class BinlogHealthTest {

    private static final Instant AT = Instant.parse("2026-11-02T10:00:00Z");
    private static final List<BinlogHealth.LogFile> FILES = List.of(new BinlogHealth.LogFile("bin.000007", 1000),
            new BinlogHealth.LogFile("bin.000008", 2000), new BinlogHealth.LogFile("bin.000009", 300));

    @Test
    void backlogIsTheBinlogAfterThePosition() {
        SourceHealth health = BinlogHealth.assess(FILES, "bin.000008", 1500, 86_400, AT);

        assertThat(health.backlogBytes()).isEqualTo(500 + 300);
        assertThat(health.retainedBytes()).isEqualTo(3300);
        assertThat(health.risk()).isEqualTo(Risk.OK);
        assertThat(health.reason()).contains("1 file(s) after the oldest one left and 1 before the current one");
        assertThat(BinlogHealth.assess(FILES, "bin.000009", 300, 86_400, AT).backlogBytes()).isZero();
    }

    @Test
    void theOldestFileLeftIsAWarningWhenAnExpiryIsSet() {
        SourceHealth warning = BinlogHealth.assess(FILES, "bin.000007", 4, 86_400, AT);
        assertThat(warning.risk()).isEqualTo(Risk.WARNING);
        assertThat(warning.backlogBytes()).isEqualTo(996 + 2000 + 300);
        assertThat(warning.reason()).contains("oldest file left").contains("binlog_expire_logs_seconds")
                .contains("speed up the sink");
        // no expiry: only a manual purge removes it
        assertThat(BinlogHealth.assess(FILES, "bin.000007", 4, 0, AT).risk()).isEqualTo(Risk.OK);
        // the current file is never purged
        assertThat(BinlogHealth.assess(FILES.subList(0, 1), "bin.000007", 4, 86_400, AT).risk())
                .isEqualTo(Risk.OK);
    }

    @Test
    void aPurgedFileIsCritical() {
        SourceHealth gone = BinlogHealth.assess(FILES, "bin.000006", 4, 86_400, AT);
        assertThat(gone.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(gone.backlogBytes()).isEqualTo(-1);
        assertThat(gone.reason()).contains("bin.000006").contains("purged").contains("re-snapshot");
    }

    @Test
    void preparedXaTransactionsMoveTheNeededStartBack() {
        MySqlOffset offset = MySqlOffset.decode("mysql:binlog:bin.000009:120:0;xa=bin.000008:700,bin.000009:4");
        assertThat(BinlogHealth.neededStart(offset)).containsExactly("bin.000008", "700");
        assertThat(BinlogHealth.neededStart(MySqlOffset.decode("mysql:binlog:bin.000009:120:0")))
                .containsExactly("bin.000009", "120");
    }
}

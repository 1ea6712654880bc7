package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The risk levels from a slot's values (the server's settings are shared, so levels are tested from values). */
class SlotHealthTest {

    private static final Instant AT = Instant.parse("2026-11-02T10:00:00Z");
    private static final long MB = 1 << 20;

    @Test
    void unlimitedRetentionIsOkAndPointsAtTheDisk() {
        SourceHealth health = SlotHealth.assess("s1", "extended", -1, 900 * MB, 800 * MB, -1, AT);

        assertThat(health.risk()).isEqualTo(Risk.OK);
        assertThat(health.backlogBytes()).isEqualTo(800 * MB);
        assertThat(health.retainedBytes()).isEqualTo(900 * MB);
        assertThat(health.limitBytes()).isEqualTo(-1);
        assertThat(health.headroomBytes()).isEqualTo(-1);
        assertThat(health.checkedAt()).isEqualTo(AT);
        assertThat(health.reason()).contains("max_slot_wal_keep_size is -1").contains("disk");
    }

    @Test
    void headroomAgainstMaxSlotWalKeepSizeSetsTheLevel() {
        long limit = 1024 * MB;
        assertThat(SlotHealth.assess("s1", "reserved", 600 * MB, 424 * MB, 400 * MB, limit, AT).risk())
                .isEqualTo(Risk.OK);
        SourceHealth warning = SlotHealth.assess("s1", "extended", 500 * MB, 524 * MB, 500 * MB, limit, AT);
        assertThat(warning.risk()).isEqualTo(Risk.WARNING);
        assertThat(warning.headroomBytes()).isEqualTo(500 * MB);
        assertThat(warning.limitBytes()).isEqualTo(limit);
        assertThat(warning.reason()).contains("speed up the sink").contains("raise max_slot_wal_keep_size")
                .contains("500.0 MB more may be written");
        SourceHealth critical = SlotHealth.assess("s1", "extended", 100 * MB, 924 * MB, 900 * MB, limit, AT);
        assertThat(critical.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(critical.reason()).contains("under 20% of the limit");
    }

    @Test
    void unreservedAndLostSlotsAreCritical() {
        SourceHealth unreserved = SlotHealth.assess("s1", "unreserved", -1, 1100 * MB, 1000 * MB, 1024 * MB, AT);
        assertThat(unreserved.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(unreserved.headroomBytes()).isZero();
        assertThat(unreserved.reason()).contains("next checkpoint").contains("invalidated");

        SourceHealth lost = SlotHealth.assess("s1", "lost", -1, -1, -1, 1024 * MB, AT);
        assertThat(lost.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(lost.backlogBytes()).isEqualTo(-1);
        assertThat(lost.reason()).contains("was invalidated").contains("re-snapshot");
        assertThat(SlotHealth.assess("s1", null, -1, -1, -1, -1, AT).risk()).isEqualTo(Risk.CRITICAL);
    }
}

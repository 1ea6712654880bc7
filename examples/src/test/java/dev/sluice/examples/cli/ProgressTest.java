package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void theProgressLineShowsASnapshotsShareWhereThereIsAnEstimate() {
        assertThat(Progress.snapshot(null)).isEmpty();
        assertThat(Progress.snapshot(new SnapshotStatus(TableId.of("s", "t"), 2, 7, 415_000, 1_000_000)))
                .isEqualTo("  snapshot 41.5% (2/7 tables, 415,000 of ~1,000,000 rows; reading s.t)");
        assertThat(Progress.snapshot(new SnapshotStatus(TableId.of("s", "t"), 0, 1, 12, -1)))
                .isEqualTo("  snapshot (0/1 tables, 12 rows; reading s.t)");
    }
}

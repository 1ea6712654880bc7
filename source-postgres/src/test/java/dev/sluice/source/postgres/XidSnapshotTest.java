package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class XidSnapshotTest {

    @Test
    void transactionsInProgressOrNotYetStartedAreInvisible() {
        XidSnapshot snapshot = XidSnapshot.parse("100:110:102,105");
        assertThat(snapshot.sees(99)).isTrue();
        assertThat(snapshot.sees(100)).as("xmin itself is not finished").isTrue();
        assertThat(snapshot.sees(101)).isTrue();
        assertThat(snapshot.sees(102)).as("in progress").isFalse();
        assertThat(snapshot.sees(105)).isFalse();
        assertThat(snapshot.sees(109)).isTrue();
        assertThat(snapshot.sees(110)).as("at or after xmax").isFalse();
        assertThat(XidSnapshot.parse("7:7:").sees(6)).isTrue();
    }

    @Test
    void thirtyTwoBitXidsAreWidenedWithTheSnapshotsEpoch() {
        long epoch = 3L << 32;
        XidSnapshot snapshot = XidSnapshot.parse((epoch + 5) + ":" + (epoch + 20) + ":" + (epoch + 8));
        assertThat(snapshot.sees(0xFFFF_FFF0L)).as("from the epoch before, long finished").isTrue();
        assertThat(snapshot.sees(8)).as("in progress in this epoch").isFalse();
        assertThat(snapshot.sees(12)).isTrue();
        assertThat(snapshot.sees(25)).as("after xmax").isFalse();
        assertThatThrownBy(() -> XidSnapshot.parse("1:2")).isInstanceOf(IllegalArgumentException.class);
    }
}

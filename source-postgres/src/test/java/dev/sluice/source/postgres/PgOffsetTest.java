package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.SnapshotProgress;
import dev.sluice.testkit.SeqOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgOffsetTest {

    @Test
    void aRereadsOffsetRoundTripsAndCoversNothing() {
        PgOffset before = PgOffset.stream(0x16_B374_D848L, 0);
        PgOffset reread = before.asReread();
        assertThat(reread.encode()).isEqualTo("pg:lsn=16/B374D848,events=0,reread");
        assertThat(PgOffset.decode(reread.encode())).isEqualTo(reread);
        assertThat(reread.covers(PgOffset.stream(0x10_0000_0000L, 0))).as("covers no target").isFalse();
        assertThat(PgOffset.stream(0x17_0000_0000L, 0).covers(reread)).isTrue();
    }

    @Test
    void backfillsRoundTripBesideTheOtherPartsAndOldTextsStillParse() {
        BackfillQueue queue = BackfillQueue.append(BackfillQueue.append(null,
                BackfillQueue.Backfill.of(TableId.of("public", "orders"), "total > 5, or 'x=y'")),
                BackfillQueue.Backfill.of(TableId.of("s", "t"), null)).emitted(List.of("41"));
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("public", "a")).emitted(List.of("7"));
        PgOffset plain = PgOffset.stream(0x16_B374_D848L, 5);
        for (PgOffset offset : List.of(plain.withBackfills(queue), plain.withProgress(progress).withBackfills(queue),
                plain.withBackfills(queue).asReread(), plain.withProgress(progress).withBackfills(queue).asReread())) {
            assertThat(PgOffset.decode(offset.encode())).as(offset.encode()).isEqualTo(offset);
            assertThat(offset.encode()).contains(",backfill=");
        }
        assertThat(plain.withBackfills(queue).withProgress(progress).backfills()).as("kept by withProgress")
                .isEqualTo(queue);
        assertThat(plain.withBackfills(queue).covers(plain)).as("a backfill plays no part in covers").isTrue();
        // texts of the versions before backfills
        assertThat(PgOffset.decode("pg:lsn=16/B374D848,events=5,chunk=3/public/a/7").backfills()).isNull();
        assertThat(PgOffset.decode("pg:lsn=16/B374D848,events=5,reread").backfills()).isNull();
        assertThatThrownBy(() -> PgOffset.decode("pg:snapshot=1/0,rows=3,backfill=0/s/t/"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgOffset.decode("pg:lsn=1/0,events=3,backfill=x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesAndDecodesBothKinds() {
        PgOffset stream = PgOffset.stream(0x16_B374_D848L, 5);
        PgOffset snapshot = PgOffset.inSnapshot(0x1_0000_0000L, 1200);
        assertThat(stream.encode()).isEqualTo("pg:lsn=16/B374D848,events=5");
        assertThat(snapshot.encode()).isEqualTo("pg:snapshot=1/0,rows=1200");
        assertThat(PgOffset.decode(stream.encode())).isEqualTo(stream);
        assertThat(PgOffset.decode(snapshot.encode())).isEqualTo(snapshot);
    }

    @Test
    void lsnTextIsPostgresqlsFormForEveryMagnitude() {
        java.util.Random random = new java.util.Random(11);
        long[] edges = {0, 1, 0xF, 0x10, 0xFFFF_FFFFL, 0x1_0000_0000L, 0x7FFF_FFFF_FFFF_FFFFL, -1};
        for (int i = 0; i < 20_000 + edges.length; i++) {
            long lsn = i < edges.length ? edges[i] : random.nextLong() >>> random.nextInt(64);
            assertThat(PgOffset.lsnText(lsn)).isEqualTo(org.postgresql.replication.LogSequenceNumber.valueOf(lsn)
                    .asString());
        }
    }

    @Test
    void refusesOffsetsOfOtherSourcesAndDamagedText() {
        for (String bad : new String[] {"mem:4", "pg:lsn=16/B374D848", "pg:lsn=zz/1,events=0", "pg:lsn=1/2,events=-1",
            "pg:lsn=1/2,rows=3", "pg:snapshot=1/2,events=3", "pg:lsn=/2,events=0", "pg:lsn=123456789/0,events=0"}) {
            assertThatThrownBy(() -> PgOffset.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected a PostgreSQL source offset").hasMessageContaining(bad);
        }
    }

    @Test
    void streamOffsetsOrderByCommitLsnThenEventIndex() {
        PgOffset midTransaction = PgOffset.stream(100, 25_000);
        assertThat(PgOffset.stream(100, 25_001).covers(midTransaction)).isTrue();
        assertThat(midTransaction.covers(PgOffset.stream(100, 25_001))).isFalse();
        assertThat(PgOffset.stream(101, 0).covers(midTransaction)).as("after the commit").isTrue();
        assertThat(midTransaction.covers(PgOffset.stream(99, 7))).isTrue();
        assertThat(midTransaction.covers(midTransaction)).isTrue();
    }

    @Test
    void aSnapshotInProgressNeverCoversAStreamPosition() {
        PgOffset snapshot = PgOffset.inSnapshot(500, 10);
        assertThat(snapshot.covers(PgOffset.stream(400, 0))).isFalse();
        assertThat(snapshot.covers(PgOffset.stream(500, 0))).isFalse();
        assertThat(snapshot.covers(PgOffset.inSnapshot(500, 9))).isTrue();
        assertThat(snapshot.covers(PgOffset.inSnapshot(501, 1))).isFalse();
        assertThat(PgOffset.stream(500, 0).covers(snapshot)).as("the stream starts at the consistent point").isTrue();
        assertThat(PgOffset.stream(499, 0).covers(snapshot)).isFalse();
    }

    @Test
    void coversRefusesOffsetsOfOtherSources() {
        assertThatThrownBy(() -> PgOffset.stream(1, 0).covers(new SeqOffset(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIncrementalSnapshotsProgressTravelsInTheTextAndOldTextsStillDecode() {
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("public", "a,b=c"))
                .emitted(List.of("2024-01-01 00:00:00.5+00", "x/y"));
        PgOffset offset = PgOffset.stream(0x16_B374_D848L, 5).withProgress(progress);
        assertThat(offset.encode()).startsWith("pg:lsn=16/B374D848,events=5,chunk=1/public/");
        assertThat(PgOffset.decode(offset.encode())).isEqualTo(offset);
        assertThat(PgOffset.decode("pg:lsn=16/B374D848,events=5").progress()).isNull();
        assertThat(PgOffset.decode("pg:lsn=1/2,events=0,chunk=0").progress()).isEqualTo(SnapshotProgress.start());
        for (String bad : new String[] {"pg:snapshot=1/2,rows=3,chunk=0", "pg:lsn=1/2,events=0,rows=1",
            "pg:lsn=1/2,events=0,chunk=x/y"}) {
            assertThatThrownBy(() -> PgOffset.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anOffsetMidSnapshotNeverCoversOneWithoutProgress() {
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("s", "t")).emitted(List.of("1"));
        PgOffset mid = PgOffset.stream(500, 0).withProgress(progress);
        assertThat(mid.covers(PgOffset.stream(100, 0))).as("the snapshot is not done").isFalse();
        assertThat(mid.covers(PgOffset.inSnapshot(100, 0))).isFalse();
        assertThat(PgOffset.stream(500, 0).covers(mid)).as("a finished snapshot covers one under way").isTrue();
        assertThat(mid.covers(PgOffset.stream(400, 9).withProgress(progress))).isTrue();
        PgOffset nextRow = PgOffset.stream(500, 0).withProgress(progress.emitted(List.of("2")));
        assertThat(nextRow.covers(mid)).as("rows of a chunk share the position").isTrue();
        assertThat(mid.covers(nextRow)).isFalse();
    }
}

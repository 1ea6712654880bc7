package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Offset;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SnapshotProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

class MySqlOffsetTest {

    @Test
    void aRereadsOffsetRoundTripsAndCoversNothing() {
        MySqlOffset at = MySqlOffset.binlog("mysql-bin.000003", 1234, 0, "0-1-55");
        MySqlOffset reread = at.asReread();
        assertThat(reread.encode()).endsWith(";reread");
        assertThat(MySqlOffset.decode(reread.encode())).isEqualTo(reread);
        assertThat(reread.covers(MySqlOffset.binlog("mysql-bin.000001", 4, 0, null))).as("covers no target")
                .isFalse();
        assertThat(MySqlOffset.binlog("mysql-bin.000004", 4, 0, null).covers(reread)).isTrue();
    }

    @Test
    void encodesAndDecodesEveryKind() {
        for (MySqlOffset offset : new MySqlOffset[] {
                MySqlOffset.binlog("mysql-bin.000003", 1234, 17, "0-1-55"),
                MySqlOffset.binlog("mysql-bin.000003", 4, 0, null),
                MySqlOffset.binlog("host:with-colon.000001", 99, 2, "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"),
                MySqlOffset.binlog("mysql-bin.000003", 1234, 17, "0-1-55",
                        List.of("mysql-bin.000002:77", "mysql-bin.000003:4")),
                MySqlOffset.snapshot("mysql-bin.000010", 328)}) {
            assertThat(MySqlOffset.decode(offset.encode())).isEqualTo(offset);
            assertThat(offset.encode()).startsWith("mysql:");
        }
        assertThat(MySqlOffset.binlog("mysql-bin.000003", 1234, 17, "0-1-55").encode())
                .isEqualTo("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55");
    }

    @Test
    void offsetsWrittenBeforeXaAndLaterFieldsStayReadable() {
        MySqlOffset old = MySqlOffset.decode("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55");
        assertThat(old.gtid()).isEqualTo("0-1-55");
        assertThat(old.preparedXa()).isEmpty();
        MySqlOffset withXa = MySqlOffset.decode("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55"
                + ";xa=mysql-bin.000002:77;future=1");
        assertThat(withXa.gtid()).isEqualTo("0-1-55");
        assertThat(withXa.preparedXa()).containsExactly("mysql-bin.000002:77");
    }

    @Test
    void refusesOtherSourcesOffsetsNamingTheExpectedForm() {
        assertThatThrownBy(() -> MySqlOffset.decode("pg:0/16B3748")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mysql:binlog:");
        assertThatThrownBy(() -> MySqlOffset.decode("mysql:binlog:file-without-position"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a MySQL source offset");
        Offset foreign = new Offset() {
            @Override
            public String encode() {
                return "x";
            }

            @Override
            public boolean covers(Offset other) {
                return false;
            }
        };
        assertThatThrownBy(() -> MySqlOffset.binlog("f.1", 4, 0, null).covers(foreign))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binlogOffsetsCoverByFileNumberThenPositionThenRow() {
        MySqlOffset mid = MySqlOffset.binlog("mysql-bin.000009", 500, 3, null);
        assertThat(mid.covers(MySqlOffset.binlog("mysql-bin.000009", 500, 3, "0-1-2"))).isTrue();
        assertThat(mid.covers(MySqlOffset.binlog("mysql-bin.000009", 500, 2, null))).isTrue();
        assertThat(mid.covers(MySqlOffset.binlog("mysql-bin.000009", 500, 4, null))).isFalse();
        assertThat(mid.covers(MySqlOffset.binlog("mysql-bin.000009", 501, 0, null))).isFalse();
        // numbered, not text order: .000010 comes after .000009, and .1000000 after .999999
        assertThat(MySqlOffset.binlog("mysql-bin.000010", 4, 0, null).covers(mid)).isTrue();
        assertThat(MySqlOffset.binlog("b.1000000", 4, 0, null).covers(MySqlOffset.binlog("b.999999", 9, 0, null)))
                .isTrue();
    }

    @Test
    void snapshotInProgressCoversNoStreamPosition() {
        MySqlOffset snapshot = MySqlOffset.snapshot("mysql-bin.000009", 500);
        assertThat(snapshot.covers(MySqlOffset.binlog("mysql-bin.000009", 500, 0, null))).isFalse();
        assertThat(snapshot.covers(MySqlOffset.binlog("mysql-bin.000001", 4, 0, null))).isFalse();
        assertThat(snapshot.covers(snapshot)).isTrue();
        // once streaming from the snapshot's position, the snapshot is behind
        assertThat(MySqlOffset.binlog("mysql-bin.000009", 500, 0, null).covers(snapshot)).isTrue();
    }

    @Test
    void incrementalSnapshotProgressRoundTripsInsideTheOffsetText() {
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("shop", "or;ders,x=1"))
                .emitted(List.of("a/b;c", "0.10000000000000000001", "00ff"));
        MySqlOffset offset = MySqlOffset.binlog("mysql-bin.000003", 1234, 2, "0-1-55").identity("1", "0-1-54")
                .withChunk(progress);
        MySqlOffset decoded = MySqlOffset.decode(offset.encode());
        assertThat(decoded).isEqualTo(offset);
        assertThat(decoded.chunk()).isEqualTo(progress);
        assertThat(decoded.state()).isEqualTo("0-1-54");
        assertThat(MySqlOffset.decode("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55;server=1").chunk()).isNull();
        assertThat(MySqlOffset.decode("mysql:binlog:f.000001:4:0;chunk=0").chunk()).isEqualTo(SnapshotProgress.start());
    }

    @Test
    void anOffsetWithSnapshotProgressNeverCoversOneWithout() {
        MySqlOffset head = MySqlOffset.binlog("mysql-bin.000003", 500, 0, null);
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("shop", "orders"));
        MySqlOffset running = MySqlOffset.binlog("mysql-bin.000004", 900, 0, null).withChunk(progress);
        assertThat(running.covers(head)).isFalse();
        assertThat(MySqlOffset.binlog("mysql-bin.000004", 900, 0, null).covers(running)).isTrue();
        MySqlOffset further = running.withChunk(progress.emitted(List.of("7")));
        assertThat(further.covers(running)).isTrue();
        assertThat(running.covers(further)).isFalse();
    }

    @Test
    void backfillsRoundTripBesideTheOtherPartsAndOldTextsStillParse() {
        BackfillQueue queue = BackfillQueue.append(BackfillQueue.append(null,
                BackfillQueue.Backfill.of(TableId.of("shop", "orders"), "total > 5; or 'x=y'")),
                BackfillQueue.Backfill.of(TableId.of("s", "t"), null)).emitted(List.of("41", "a;b"));
        MySqlOffset plain = MySqlOffset.binlog("mysql-bin.000003", 1234, 17, "0-1-55", List.of("mysql-bin.000003:99"))
                .identity("1", "0-1-54");
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("shop", "a")).emitted(List.of("7"));
        for (MySqlOffset offset : List.of(plain.withBackfills(queue), plain.withChunk(progress).withBackfills(queue),
                plain.withBackfills(queue).asReread())) {
            assertThat(MySqlOffset.decode(offset.encode())).as(offset.encode()).isEqualTo(offset);
            assertThat(offset.encode()).contains(";backfill=");
        }
        assertThat(plain.withBackfills(queue).withChunk(progress).backfills()).as("kept by withChunk").isEqualTo(queue);
        assertThat(plain.withBackfills(queue).covers(plain)).as("a backfill plays no part in covers").isTrue();
        assertThat(MySqlOffset.decode("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55;server=1;chunk=0")
                .backfills()).isNull();
    }

    @Test
    void theFilterRoundTripsBesideTheOtherPartsAndOldTextsStillParse() {
        FilterStamp stamp = FilterStamp.of(TableFilter.include("shop.*", "we;ird.t=1").exclude("shop.audit_log"));
        BackfillQueue queue = BackfillQueue.append(null, BackfillQueue.Backfill.of(TableId.of("shop", "b"), null));
        MySqlOffset plain = MySqlOffset.binlog("mysql-bin.000003", 1234, 17, "0-1-55", List.of("mysql-bin.000003:99"))
                .identity("1", "0-1-54");
        SnapshotProgress progress = SnapshotProgress.start().begin(TableId.of("shop", "a")).emitted(List.of("7"));
        for (MySqlOffset offset : List.of(plain.withFilter(stamp), plain.withFilter(stamp).withBackfills(queue),
                plain.withChunk(progress).withFilter(stamp).asReread(),
                plain.withFilter(FilterStamp.of(TableFilter.include("x.*".repeat(100)))))) {
            MySqlOffset back = MySqlOffset.decode(offset.encode());
            assertThat(back).as(offset.encode()).isEqualTo(offset);
            assertThat(back.filter().sameSelection(offset.filter())).isTrue();
            assertThat(back.backfills()).isEqualTo(offset.backfills());
            assertThat(back.chunk()).isEqualTo(offset.chunk());
        }
        assertThat(plain.withFilter(stamp).encode()).endsWith(";filter=shop.*,we%3Bird.t%3D1/shop.audit_log");
        assertThat(plain.withFilter(stamp).withBackfills(queue).withChunk(progress).filter()).as("kept by the withs")
                .isEqualTo(stamp);
        assertThat(plain.withFilter(stamp).asReread().identity("2", null).filter()).isEqualTo(stamp);
        assertThat(plain.withFilter(stamp).covers(plain)).as("the filter plays no part in covers").isTrue();
        assertThat(plain.covers(plain.withFilter(stamp))).isTrue();
        assertThat(MySqlOffset.decode("mysql:binlog:mysql-bin.000003:1234:17;gtid=0-1-55;server=1;state=0-1-54"
                + ";chunk=0;backfill=0/s/t/").filter()).as("an older offset records no filter").isNull();
        assertThatThrownBy(() -> MySqlOffset.snapshot("mysql-bin.000001", 4).withFilter(stamp))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

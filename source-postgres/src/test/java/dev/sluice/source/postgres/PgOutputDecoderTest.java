package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.TableFilter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transaction bookkeeping of the decoder, from hand-made pgoutput messages. */
class PgOutputDecoderTest {

    private final List<ChangeEvent> out = new ArrayList<>();

    @Test
    void keepalivesNeverMoveThePositionBelowTheResumePointOrIntoATransaction() throws Exception {
        PgOutputDecoder decoder = decoder(PgOffset.stream(1000, 5));
        decoder.keepalive(900);
        decoder.keepalive(1000);
        assertThat(decoder.position()).as("(1000, 0) would be before the resume point (1000, 5)").isNull();

        decoder.decode(begin(1000, 7), out);
        decoder.decode(commit(1000, 1100), out);
        assertThat(decoder.position()).isEqualTo(PgOffset.stream(1100, 0));
        decoder.keepalive(1050);
        assertThat(decoder.position()).isEqualTo(PgOffset.stream(1100, 0));
        decoder.keepalive(1200);
        assertThat(decoder.position()).isEqualTo(PgOffset.stream(1200, 0));

        decoder.decode(begin(1300, 8), out);
        decoder.keepalive(1400);
        assertThat(decoder.position()).as("inside a transaction").isEqualTo(PgOffset.stream(1200, 0));
        decoder.decode(commit(1300, 1350), out);
        assertThat(decoder.position()).isEqualTo(PgOffset.stream(1350, 0));
        assertThat(out).isEmpty();
    }

    @Test
    void aKeepaliveAtAResumePointBetweenTransactionsIsAPosition() throws Exception {
        PgOutputDecoder decoder = decoder(PgOffset.stream(1000, 0));
        decoder.keepalive(1000);
        assertThat(decoder.position()).isEqualTo(PgOffset.stream(1000, 0));
    }

    @Test
    void beginCarriesCommitTimeSinceTheYear2000() {
        assertThat(PgOutputDecoder.toInstant(0)).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(PgOutputDecoder.toInstant(-1)).isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
    }

    @Test
    void aCommitThatDoesNotMatchItsBeginIsAnError() throws Exception {
        PgOutputDecoder decoder = decoder(null);
        decoder.decode(begin(500, 1), out);
        assertThatThrownBy(() -> decoder.decode(commit(600, 700), out)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aChangeOfAnUnknownRelationIsAnError() throws Exception {
        PgOutputDecoder decoder = decoder(null);
        decoder.decode(begin(500, 1), out);
        ByteBuffer insert = ByteBuffer.allocate(16).put((byte) 'I').putInt(42).put((byte) 'N').putShort((short) 0);
        assertThatThrownBy(() -> decoder.decode(insert.flip(), out))
                .hasMessageContaining("relation 42 before its Relation message");
    }

    @Test
    void aTableAddedMessageIsTakenOnceInItsTransactionAndNotBelowTheResumePoint() throws Exception {
        PgOutputDecoder decoder = decoder(PgOffset.stream(1000, 0));
        decoder.decode(begin(900, 1), out); // delivered before the restart
        decoder.decode(message(true, PgOutputDecoder.TABLE_ADDED, "pub\n42"), out);
        assertThat(decoder.takeAddedTable()).isNull();
        decoder.decode(commit(900, 950), out);

        decoder.decode(message(false, PgOutputDecoder.TABLE_ADDED, "pub\n42"), out); // not transactional: not ours
        decoder.decode(message(false, "sluice-heartbeat", ""), out);
        assertThat(decoder.takeAddedTable()).isNull();

        decoder.decode(begin(1000, 2), out); // at the resume point: read again
        decoder.decode(message(true, PgOutputDecoder.TABLE_ADDED, "pub\n42"), out);
        assertThat(decoder.takeAddedTable()).isEqualTo(new PgOutputDecoder.AddedTable(1000, "pub\n42", false));
        assertThat(decoder.takeAddedTable()).isNull();
        decoder.decode(message(true, PgOutputDecoder.TABLE_CHANGED, "pub\n43"), out);
        assertThat(decoder.takeAddedTable()).isEqualTo(new PgOutputDecoder.AddedTable(1000, "pub\n43", true));
        assertThat(out).isEmpty();
        assertThat(TableWatcher.oidIn("pub\n42", "pub")).isEqualTo(42);
        assertThat(TableWatcher.oidIn("pub\n42", "other")).isEqualTo(-1);
        assertThat(TableWatcher.oidIn(TableWatcher.content("a\nb", 7), "a\nb")).isEqualTo(7);
    }

    private static ByteBuffer message(boolean transactional, String prefix, String content) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 1 + 8 + p.length + 1 + 4 + c.length).put((byte) 'M')
                .put((byte) (transactional ? 1 : 0)).putLong(0).put(p).put((byte) 0).putInt(c.length).put(c).flip();
    }

    private static PgOutputDecoder decoder(PgOffset from) {
        return new PgOutputDecoder(TableFilter.all(), (relid, table, columns) -> {
            throw new AssertionError("no relations in this test");
        }, from);
    }

    private static ByteBuffer begin(long finalLsn, int xid) {
        return ByteBuffer.allocate(21).put((byte) 'B').putLong(finalLsn).putLong(0).putInt(xid).flip();
    }

    private static ByteBuffer commit(long lsn, long endLsn) {
        return ByteBuffer.allocate(26).put((byte) 'C').put((byte) 0).putLong(lsn).putLong(endLsn).putLong(0).flip();
    }
}

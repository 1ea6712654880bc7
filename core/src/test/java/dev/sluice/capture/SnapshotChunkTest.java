package dev.sluice.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotChunkTest {

    private static final TableId T = TableId.of("s", "t");
    private static final TableId OTHER = TableId.of("s", "u");
    private static final Schema SCHEMA = Schema.builder().column("v", Type.STRING).column("id", Type.INT64)
            .key("id").build();
    private static final Offset AT = new Offset() {
        @Override
        public String encode() {
            return "test:0";
        }

        @Override
        public boolean covers(Offset other) {
            return true;
        }
    };

    private static SnapshotChunk chunkOf(long... ids) {
        SnapshotChunk chunk = new SnapshotChunk(T, SCHEMA);
        for (long id : ids) {
            chunk.add(Row.of("v" + id, id), 10);
        }
        return chunk;
    }

    private static ChangeEvent change(Op op, TableId table, Long before, Long after) {
        ChangeEvent.Builder b = ChangeEvent.builder(op, table, SCHEMA);
        if (before != null) {
            b.before(Row.of("old", before));
        }
        if (after != null) {
            b.after(Row.of("new", after));
        }
        return b.offset(AT).commitTime(Instant.EPOCH).build();
    }

    @Test
    void keysTheLogChangesLeaveTheChunkOthersStay() {
        SnapshotChunk chunk = chunkOf(1, 2, 3, 4);
        chunk.reconcile(change(Op.UPDATE, T, 2L, 2L));
        chunk.reconcile(change(Op.DELETE, T, 3L, null));
        chunk.reconcile(change(Op.INSERT, T, null, 9L));
        chunk.reconcile(change(Op.UPDATE, OTHER, 1L, 1L));
        assertEquals(List.of(Row.of("v1", 1L), Row.of("v4", 4L)), chunk.rows());
        assertEquals(Row.of("v4", 4L), chunk.lastRead());
        assertEquals(40, chunk.bytes());
    }

    @Test
    void aKeyChangeRemovesTheOldAndTheNewKey() {
        SnapshotChunk chunk = chunkOf(1, 2, 3);
        chunk.reconcile(change(Op.UPDATE, T, 1L, 3L));
        assertEquals(List.of(Row.of("v2", 2L)), chunk.rows());
    }

    @Test
    void aTruncateEmptiesTheChunkButKeepsItsEnd() {
        SnapshotChunk chunk = chunkOf(1, 2);
        chunk.reconcile(ChangeEvent.builder(Op.TRUNCATE, T, SCHEMA).offset(AT).commitTime(Instant.EPOCH).build());
        assertTrue(chunk.truncated());
        assertEquals(0, chunk.size());
        assertEquals(Row.of("v2", 2L), chunk.lastRead());
    }

    @Test
    void decimalKeysMatchWhateverTheirScale() {
        Schema schema = Schema.builder().column("id", Type.decimal()).key("id").build();
        SnapshotChunk chunk = new SnapshotChunk(T, schema);
        chunk.add(Row.of(new BigDecimal("1.50")), 1);
        chunk.reconcile(ChangeEvent.builder(Op.DELETE, T, schema).before(Row.of(new BigDecimal("1.5"))).offset(AT).commitTime(Instant.EPOCH).build());
        assertEquals(0, chunk.size());
        assertFalse(chunk.truncated());
    }

    @Test
    void binaryKeysCompareByContent() {
        Schema schema = Schema.builder().column("id", Type.BYTES).key("id").build();
        SnapshotChunk chunk = new SnapshotChunk(T, schema);
        chunk.add(Row.of((Object) new byte[] {1, 2}), 1);
        chunk.reconcile(ChangeEvent.builder(Op.DELETE, T, schema).before(Row.of((Object) new byte[] {1, 2})).offset(AT).commitTime(Instant.EPOCH).build());
        assertEquals(0, chunk.size());
    }

    @Test
    void aKeylessTableIsRefused() {
        Schema keyless = Schema.builder().column("v", Type.STRING).build();
        assertThrows(IllegalArgumentException.class, () -> new SnapshotChunk(T, keyless));
    }

    @Test
    void progressRoundTripsThroughItsTextWithAwkwardNames() {
        SnapshotProgress p = SnapshotProgress.start().begin(TableId.of("s/1,=", "t b%"))
                .emitted(List.of("a,b=c/d", "ü😀", "")).emitted(List.of("x", "y", "z"));
        String text = p.encode();
        assertFalse(text.contains(",") || text.contains("="), text);
        assertEquals(p, SnapshotProgress.decode(text));
        assertEquals(2, p.rows());
        assertEquals(SnapshotProgress.start(), SnapshotProgress.decode("0"));
        SnapshotProgress begun = SnapshotProgress.start().begin(T);
        assertEquals(begun, SnapshotProgress.decode(begun.encode()));
        assertThrows(IllegalArgumentException.class, () -> SnapshotProgress.decode("x/s"));
    }

    @Test
    void tablesBeforeTheCurrentOneAreDone() {
        SnapshotProgress p = SnapshotProgress.start().begin(TableId.of("b", "m"));
        assertTrue(p.isDone(TableId.of("a", "z")));
        assertTrue(p.isDone(TableId.of("b", "a")));
        assertFalse(p.isDone(TableId.of("b", "m")));
        assertFalse(p.isDone(TableId.of("c", "a")));
        assertFalse(SnapshotProgress.start().isDone(TableId.of("a", "a")));
    }
}

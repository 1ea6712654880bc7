package dev.sluice.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Planning the ranges of a window and emitting its reads, over tables held as sorted key sets. */
class SnapshotWindowTest {

    private static final TableId A = TableId.of("s", "a");
    private static final TableId B = TableId.of("s", "b");
    private static final TableId C = TableId.of("s", "c");
    private static final Schema SCHEMA = Schema.builder().column("id", Type.INT64).key("id").build();
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

    /** Tables as sorted sets of keys; keys are zero-padded so that text order is key order. */
    private final Map<TableId, TreeSet<String>> tables = new TreeMap<>(SnapshotProgress.ORDER);
    private int boundaryQueries;

    private void table(TableId table, int rows) {
        TreeSet<String> keys = new TreeSet<>();
        for (int i = 1; i <= rows; i++) {
            keys.add(key(i));
        }
        tables.put(table, keys);
    }

    private static String key(long id) {
        return String.format("%06d", id);
    }

    private List<String> keyAfter(TableId table, List<String> after, int skip) {
        boundaryQueries++;
        TreeSet<String> keys = tables.get(table);
        if (keys == null) {
            return null;
        }
        List<String> tail = new ArrayList<>(after.isEmpty() ? keys : keys.tailSet(after.get(0), false));
        return skip < tail.size() ? List.of(tail.get(skip)) : null;
    }

    private List<SnapshotWindow.Range> plan(SnapshotProgress progress, boolean done, int parallelism, int chunk)
            throws Exception {
        List<TableId> following = tables.keySet().stream()
                .filter(t -> progress.table() == null || SnapshotProgress.ORDER.compare(t, progress.table()) > 0)
                .toList();
        return SnapshotWindow.plan(progress, done, following, parallelism, chunk, this::keyAfter);
    }

    /** Reads a range as a database would, at most {@code chunk} rows for an open-ended one. */
    private SnapshotWindow.Read read(SnapshotWindow.Range range, int chunk, long maxRows) {
        TreeSet<String> keys = tables.get(range.table());
        SnapshotChunk read = new SnapshotChunk(range.table(), SCHEMA);
        List<String> lastRead = null;
        long limit = range.bounded() ? maxRows : Math.min(chunk, maxRows);
        int count = 0;
        boolean cut = false;
        for (String key : range.after().isEmpty() ? keys : keys.tailSet(range.after().get(0), false)) {
            if (range.bounded() && key.compareTo(range.through().get(0)) > 0) {
                break;
            }
            if (count == limit) {
                cut = true;
                break;
            }
            read.add(Row.of(Long.parseLong(key)), 8);
            lastRead = List.of(key);
            count++;
        }
        boolean covered = range.bounded() ? !cut : count < chunk && !cut;
        return new SnapshotWindow.Read(range, read, row -> List.of(key((Long) row.get(0))), lastRead, covered);
    }

    /** Runs windows until the snapshot ends; returns the keys emitted per table, in order. */
    private Map<TableId, List<String>> snapshot(int parallelism, int chunk, long maxRows) throws Exception {
        Map<TableId, List<String>> emitted = new TreeMap<>(SnapshotProgress.ORDER);
        SnapshotProgress progress = SnapshotProgress.start();
        boolean done = false;
        for (int window = 0; window < 10_000; window++) {
            List<SnapshotWindow.Range> ranges = plan(progress, done, parallelism, chunk);
            if (ranges.isEmpty()) {
                return emitted;
            }
            assertTrue(ranges.size() <= parallelism);
            List<SnapshotWindow.Read> reads = ranges.stream().map(r -> read(r, chunk, maxRows)).toList();
            SnapshotProgress before = progress;
            SnapshotWindow.Emitted out = SnapshotWindow.emit(progress, done, reads, Set.of(),
                    (read, row, p) -> {
                        emitted.computeIfAbsent(read.chunk().table(), t -> new ArrayList<>())
                                .add(key((Long) row.get(0)));
                        assertEquals(List.of(key((Long) row.get(0))), p.lastKey());
                    });
            progress = out.progress();
            done = out.tableDone();
            assertTrue(progress.rows() >= before.rows());
        }
        throw new AssertionError("the snapshot did not end");
    }

    private List<String> keys(TableId table) {
        return new ArrayList<>(tables.get(table));
    }

    @Test
    void everyRowOfUnevenTablesIsEmittedOnceInKeyOrder() throws Exception {
        table(A, 1_003);
        table(B, 0);
        table(C, 57);
        for (int parallelism = 1; parallelism <= 4; parallelism++) {
            for (int chunk : new int[] {1, 7, 100, 5_000}) {
                Map<TableId, List<String>> emitted = snapshot(parallelism, chunk, Long.MAX_VALUE);
                assertEquals(keys(A), emitted.get(A), "parallelism " + parallelism + ", chunk " + chunk);
                assertNull(emitted.get(B));
                assertEquals(keys(C), emitted.get(C), "parallelism " + parallelism + ", chunk " + chunk);
            }
        }
    }

    @Test
    void chunksCutShortByTheirByteBoundLoseNothing() throws Exception {
        table(A, 500);
        table(C, 30);
        Map<TableId, List<String>> emitted = snapshot(3, 40, 25); // every read stops after 25 rows
        assertEquals(keys(A), emitted.get(A));
        assertEquals(keys(C), emitted.get(C));
    }

    @Test
    void parallelismOneQueriesNoBoundary() throws Exception {
        table(A, 100);
        snapshot(1, 10, Long.MAX_VALUE);
        assertEquals(0, boundaryQueries);
    }

    @Test
    void aWindowReadsTheNextChunksOfATableThenTheTablesAfterIt() throws Exception {
        table(A, 25);
        table(B, 3);
        table(C, 100);
        List<SnapshotWindow.Range> ranges = plan(SnapshotProgress.start(), false, 4, 10);
        assertEquals(List.of(new SnapshotWindow.Range(A, List.of(), List.of(key(10))),
                new SnapshotWindow.Range(A, List.of(key(10)), List.of(key(20))),
                new SnapshotWindow.Range(A, List.of(key(20)), null),
                new SnapshotWindow.Range(B, List.of(), null)), ranges);
        ranges = plan(new SnapshotProgress(B, List.of(key(3)), 28), true, 3, 10);
        assertEquals(List.of(new SnapshotWindow.Range(C, List.of(), List.of(key(10))),
                new SnapshotWindow.Range(C, List.of(key(10)), List.of(key(20))),
                new SnapshotWindow.Range(C, List.of(key(20)), null)), ranges);
    }

    @Test
    void aFullLastChunkHoldsBackTheTablesAfterIt() throws Exception {
        table(A, 15);
        table(B, 5);
        SnapshotWindow.Range lastOfA = new SnapshotWindow.Range(A, List.of(key(10)), null);
        SnapshotWindow.Range firstOfB = new SnapshotWindow.Range(B, List.of(), null);
        // rows were inserted into A after its boundaries were found: its last chunk comes back full
        tables.get(A).addAll(List.of(key(16), key(17), key(18), key(19), key(20), key(21)));
        List<String> rows = new ArrayList<>();
        SnapshotWindow.Emitted out = SnapshotWindow.emit(new SnapshotProgress(A, List.of(key(10)), 10), false,
                List.of(read(lastOfA, 10, Long.MAX_VALUE), read(firstOfB, 10, Long.MAX_VALUE)), Set.of(),
                (read, row, p) -> rows.add(read.chunk().table().name() + row.get(0)));
        assertEquals(List.of("a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19", "a20"), rows);
        assertEquals(new SnapshotProgress(A, List.of(key(20)), 20), out.progress());
        assertFalse(out.tableDone());
    }

    @Test
    void aDroppedTableStopsTheEmissionAndTheLogsChangesStayOut() throws Exception {
        table(A, 20);
        table(B, 5);
        SnapshotWindow.Read first = read(new SnapshotWindow.Range(A, List.of(), List.of(key(10))), 10, 100);
        SnapshotWindow.Read second = read(new SnapshotWindow.Range(A, List.of(key(10)), null), 11, 100);
        SnapshotWindow.Read third = read(new SnapshotWindow.Range(B, List.of(), null), 10, 100);
        // the log changed key 10 (the first chunk's last) and deleted key 12 in the window
        first.chunk().reconcile(ChangeEvent.builder(Op.UPDATE, A, SCHEMA).before(Row.of(10L)).after(Row.of(10L))
                .offset(AT).commitTime(Instant.EPOCH).build());
        second.chunk().reconcile(ChangeEvent.builder(Op.DELETE, A, SCHEMA).before(Row.of(12L)).offset(AT).commitTime(Instant.EPOCH).build());
        List<Long> rows = new ArrayList<>();
        SnapshotWindow.Emitted out = SnapshotWindow.emit(SnapshotProgress.start(), false,
                List.of(first, second, third), Set.of(B), (read, row, p) -> rows.add((Long) row.get(0)));
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            if (id != 10 && id != 12) {
                expected.add(id);
            }
        }
        assertEquals(expected, rows);
        assertEquals(new SnapshotProgress(A, List.of(key(20)), 18), out.progress());
        assertTrue(out.tableDone()); // A ended; B's chunk is read again in the next window
        assertEquals(List.of(A), out.completed());
    }

    @Test
    void aTableBegunButEmptyEndsAtOnce() throws Exception {
        table(A, 2);
        table(B, 0);
        table(C, 1);
        List<SnapshotWindow.Range> ranges = plan(new SnapshotProgress(A, List.of(key(2)), 2), true, 1, 10);
        assertEquals(List.of(new SnapshotWindow.Range(B, List.of(), null)), ranges);
        SnapshotWindow.Emitted out = SnapshotWindow.emit(new SnapshotProgress(A, List.of(key(2)), 2), true,
                List.of(read(ranges.get(0), 10, 100)), Set.of(), (read, row, p) -> { });
        assertEquals(new SnapshotProgress(B, List.of(), 2), out.progress());
        assertTrue(out.tableDone());
    }
}

package dev.sluice.capture;

import dev.sluice.Row;
import dev.sluice.TableId;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The chunks of one window of an incremental snapshot read with some parallelism: which key ranges to read
 * ({@link #plan}), and which of the rows read to emit at the window's high watermark, with the progress each row
 * carries ({@link #emit}).
 *
 * <p>A window reads up to {@code parallelism} chunks at once, each on a connection of its own and each with its own
 * exactness check (see {@link SnapshotChunk}): the next chunks of the table being read, whose upper bounds a cheap
 * key-only query finds first ({@link Boundary}), and, once a table ends, the first chunks of the tables after it in
 * {@link SnapshotProgress#ORDER}. Every chunk is reconciled with the same window's events, and at the high watermark
 * the chunks are emitted in (table, key) order, so the progress stays linear: each row's offset carries its key, and
 * a restart resumes after the last row committed. A chunk that did not cover its whole range (it stopped at its byte
 * bound, or the last chunk of a table came back full) ends the emission: the chunks after it are read again in the
 * next window. A table whose chunks come first in a window is begun there: the source emits its TRUNCATE at the
 * window's low watermark, with the progress from before the window, so a crash before its rows are committed begins
 * it again (its TRUNCATE again too, which is harmless: the chunks bring every row).
 *
 * <p>With parallelism 1 a window is one chunk after the last key, as without this class, and no boundary is
 * queried. Stateless; the methods are called on the capture thread.
 */
public final class SnapshotWindow {

    private SnapshotWindow() {
    }

    /**
     * The rows of one chunk to read: those of {@code table} after the key {@code after} (empty: from the first) and
     * up to and including the key {@code through}; or, if {@code through} is null, the next rows after
     * {@code after}, at most the chunk size (the table's last chunk if fewer come back). Keys are in the source's
     * text forms, as {@link SnapshotProgress} keeps them.
     */
    public record Range(TableId table, List<String> after, List<String> through) {

        /**
         * The range; the keys are copied.
         *
         * @param table the table, not null
         * @param after the key the range starts after, in text forms; empty from the first row; copied
         * @param through the key the range ends at, in text forms, or null for a chunk size of rows; copied
         */
        public Range {
            after = List.copyOf(after);
            through = through == null ? null : List.copyOf(through);
        }

        /**
         * True if the range ends at a key found beforehand, false if it ends after the chunk size in rows.
         *
         * @return true if {@code through} is set
         */
        public boolean bounded() {
            return through != null;
        }
    }

    /** Finds chunk boundaries with a key-only query, for {@link #plan}. */
    @FunctionalInterface
    public interface Boundary {

        /**
         * The key of the row {@code skip} rows past the first row after {@code after} (empty: from the first) of
         * {@code table}, in key order, in the source's text forms; null if the table has no such row (or no longer
         * exists).
         *
         * @param table the table, not null
         * @param after the key to start after, in text forms; empty from the first row
         * @param skip the rows to pass over, 0 or more
         * @return the key, in text forms, or null
         * @throws SQLException if the query fails
         */
        List<String> keyAfter(TableId table, List<String> after, int skip) throws SQLException;
    }

    /**
     * The chunks of the next window, in (table, key) order: up to {@code parallelism} of them, the first after
     * {@code progress}.
     *
     * @param parallelism the most chunks in the window, 1 or more
     * @param chunkSize the rows per chunk, 1 or more
     * @param boundary finds the key that ends a chunk, not null
     * @param progress how far the snapshot has come
     * @param tableDone true if {@code progress}'s table was read to its end (the window starts with the next table)
     * @param following the tables after {@code progress}'s table (all tables if it names none) still to read, in
     *     {@link SnapshotProgress#ORDER}
     * @return the chunks to read; empty when nothing is left to read
     * @throws SQLException if a boundary query fails
     */
    public static List<Range> plan(SnapshotProgress progress, boolean tableDone, List<TableId> following,
            int parallelism, int chunkSize, Boundary boundary) throws SQLException {
        if (parallelism < 1 || chunkSize < 1) {
            throw new IllegalArgumentException("parallelism and chunk size must be positive, were " + parallelism
                    + " and " + chunkSize);
        }
        List<Range> ranges = new ArrayList<>(parallelism);
        if (progress.table() != null && !tableDone) {
            planTable(progress.table(), progress.lastKey(), ranges, parallelism, chunkSize, boundary);
        }
        for (TableId table : following) {
            if (ranges.size() >= parallelism) {
                break;
            }
            planTable(table, List.of(), ranges, parallelism, chunkSize, boundary);
        }
        return ranges;
    }

    /** Adds the chunks of {@code table} after {@code after} while slots are free, its last one open-ended. */
    private static void planTable(TableId table, List<String> after, List<Range> ranges, int parallelism,
            int chunkSize, Boundary boundary) throws SQLException {
        List<String> from = after;
        while (ranges.size() < parallelism - 1) {
            List<String> through = boundary.keyAfter(table, from, chunkSize - 1);
            if (through == null) {
                break; // fewer rows than a chunk are left: the open-ended chunk below is the table's last
            }
            ranges.add(new Range(table, from, through));
            from = through;
        }
        ranges.add(new Range(table, from, null));
    }

    /**
     * One chunk read for a {@link Range}, reconciled with the window's events.
     *
     * @param range the range the chunk was read for
     * @param chunk its rows, reconciled
     * @param keyText the key of a row of the chunk, in the text forms the progress keeps
     * @param lastReadKey the key of the last row the read returned (null if none), whether or not the log dropped it
     * @param covered true if the read covered its whole range: a bounded range read to its end (not stopped by the
     *     byte bound); an open-ended range that returned fewer rows than the chunk size (the table ends there)
     */
    public record Read(Range range, SnapshotChunk chunk, Function<Row, List<String>> keyText,
            List<String> lastReadKey, boolean covered) {

        /**
         * The read; a row must be in {@code chunk}'s table.
         *
         * @param range the range, not null
         * @param chunk the rows, not null; of the range's table
         * @param keyText the key's text forms of a row, not null
         * @param lastReadKey the last key read, or null
         * @param covered whether the whole range was read
         * @throws IllegalArgumentException if the chunk's table is not the range's
         */
        public Read {
            if (!chunk.table().equals(range.table())) {
                throw new IllegalArgumentException("a chunk of " + chunk.table() + " read for a range of "
                        + range.table());
            }
        }
    }

    /** Receives the rows emitted at the high watermark, in order. */
    @FunctionalInterface
    public interface Emitter {

        /**
         * A row of {@code read}'s chunk, to emit as a {@code READ} event whose offset carries {@code progress}.
         *
         * @param read the read the row belongs to, not null
         * @param row the row, not null
         * @param progress the progress that includes the row, not null
         */
        void row(Read read, Row row, SnapshotProgress progress);
    }

    /**
     * The outcome of a window: the progress after its last row, whether that progress's table is read to its end,
     * and the tables that were read to their end in this window.
     */
    public record Emitted(SnapshotProgress progress, boolean tableDone, List<TableId> completed) {

        /**
         * The outcome; the list is copied.
         *
         * @param progress the progress after the window
         * @param tableDone whether the progress's table is read to its end
         * @param completed the tables read to their end in the window; copied
         */
        public Emitted {
            completed = List.copyOf(completed);
        }
    }

    /**
     * Emits the reads of a window at its high watermark, in order, as far as the progress can follow them: it stops
     * before a read of a table {@code dropped} in the window (its columns changed: read again after), after a read
     * that did not cover its range, and before a table whose previous table has not ended.
     *
     * @param out receives the rows, in order, not null
     * @return the progress after the window
     * @param progress the progress before the window
     * @param tableDone true if {@code progress}'s table was read to its end before the window
     * @param reads the window's reads, in the order {@link #plan} gave their ranges
     * @param dropped tables whose chunks of this window are not to be emitted
     */
    public static Emitted emit(SnapshotProgress progress, boolean tableDone, List<Read> reads, Set<TableId> dropped,
            Emitter out) {
        SnapshotProgress now = progress;
        boolean done = tableDone;
        List<TableId> completed = new ArrayList<>();
        for (Read read : reads) {
            TableId table = read.range().table();
            boolean begins = !table.equals(now.table());
            if (begins && now.table() != null && !done || dropped.contains(table)) {
                break;
            }
            if (begins) {
                now = now.begin(table); // its TRUNCATE was emitted at the window's start
                done = false;
            }
            for (Row row : read.chunk().rows()) {
                now = now.emitted(read.keyText().apply(row));
                out.row(read, row, now);
            }
            List<String> end = read.range().bounded() && read.covered() ? read.range().through()
                    : read.lastReadKey();
            if (end != null && !end.equals(now.lastKey())) {
                now = now.through(end); // the range's last rows were changed by the log, or absent
            }
            if (!read.covered()) {
                break; // the rest of its range is read in the next window
            }
            if (!read.range().bounded()) {
                done = true;
                completed.add(table);
            }
        }
        return new Emitted(now, done, completed);
    }
}

package dev.sluice.capture;

import dev.sluice.TableId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How far an incremental snapshot has come, as part of a source's offset: the table being read and the key of the
 * last row of its last completed chunk, plus the rows read so far. Tables are read in the order of their names
 * ({@link #ORDER}), so every table before {@link #table()} is done. Immutable.
 *
 * <p>States: nothing read yet ({@code table == null}); a table begun, none of its chunks done ({@code lastKey}
 * empty: the table's TRUNCATE event was emitted, so a resume must not emit it again); a table read up to and
 * including {@code lastKey}, in the key's text forms (the source turns them back into query parameters).
 *
 * <p>Text form: {@code rows[/namespace/name[/key...]]}, each part URL-encoded, so it holds no {@code ,}, {@code =}
 * or {@code /} of its own and can sit inside a source's offset text.
 */
public record SnapshotProgress(TableId table, List<String> lastKey, long rows) {

    /** The order tables are snapshotted in. */
    public static final Comparator<TableId> ORDER = Comparator.comparing(TableId::namespace)
            .thenComparing(TableId::name);

    /**
     * Copies the key and checks the state is one of those above.
     *
     * @param table the table being read, or null before the first
     * @param lastKey the key read up to, in text forms; empty when none; copied
     * @param rows the rows read so far, 0 or more
     * @throws IllegalArgumentException if a key is given without a table, or the count is negative
     */
    public SnapshotProgress {
        lastKey = List.copyOf(lastKey);
        if (table == null && !lastKey.isEmpty() || rows < 0) {
            throw new IllegalArgumentException("bad snapshot progress: " + table + " " + lastKey + " " + rows);
        }
    }

    /**
     * A snapshot that has not read anything yet.
     *
     * @return the progress with no table, no key and no rows
     */
    public static SnapshotProgress start() {
        return new SnapshotProgress(null, List.of(), 0);
    }

    /**
     * {@code table} begun: its TRUNCATE emitted, no chunk done yet.
     *
     * @param next the table begun, not null
     * @return a new progress at {@code next} with no key
     */
    public SnapshotProgress begin(TableId next) {
        return new SnapshotProgress(Objects.requireNonNull(next, "next"), List.of(), rows);
    }

    /**
     * One more row emitted, whose key (in text forms) is {@code key}.
     *
     * @param key the emitted row's key, in the key's text forms
     * @return a new progress with that key and one more row
     */
    public SnapshotProgress emitted(List<String> key) {
        return new SnapshotProgress(table, key, rows + 1);
    }

    /**
     * Read up to {@code key} (a chunk whose last rows the log replaced): no row emitted.
     *
     * @param key the key read up to, in the key's text forms
     * @return a new progress with that key and the same rows
     */
    public SnapshotProgress through(List<String> key) {
        return new SnapshotProgress(table, key, rows);
    }

    /**
     * True if every row of {@code other} was read: it comes before the table being read.
     *
     * @param other a table of the snapshot, not null
     * @return true if {@code other} comes before the table being read in {@link #ORDER}
     */
    public boolean isDone(TableId other) {
        return table != null && ORDER.compare(other, table) < 0;
    }

    /**
     * The progress in its text form (see the class description).
     *
     * @return the text, never null
     */
    public String encode() {
        StringBuilder text = new StringBuilder().append(rows);
        if (table != null) {
            text.append('/').append(part(table.namespace()))
                    .append('/').append(part(table.name()));
            lastKey.forEach(k -> text.append('/').append(part(k)));
        }
        return text.toString();
    }

    /**
     * Parses {@link #encode()}'s text.
     *
     * @param text what {@link #encode()} returned, not null
     * @return the equal progress
     * @throws IllegalArgumentException if the text is not a snapshot progress
     */
    public static SnapshotProgress decode(String text) {
        String[] parts = text.split("/", -1);
        try {
            long rows = Long.parseLong(parts[0]);
            if (parts.length == 1) {
                return new SnapshotProgress(null, List.of(), rows);
            }
            if (parts.length < 3) {
                throw new IllegalArgumentException("a table needs a namespace and a name");
            }
            TableId table = TableId.of(unpart(parts[1]), unpart(parts[2]));
            List<String> key = new ArrayList<>();
            for (int i = 3; i < parts.length; i++) {
                key.add(unpart(parts[i]));
            }
            return new SnapshotProgress(table, key, rows);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a snapshot progress: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    /** A part of an offset text: URL-encoded, so it holds no {@code ,}, {@code =}, {@code /} or {@code ;}. */
    static String part(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The value of a {@link #part}. */
    static String unpart(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return encode();
    }
}

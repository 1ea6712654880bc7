package dev.sluice.source.postgres;

import dev.sluice.Offset;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.util.Arrays;

/**
 * A position of {@link PostgresSource}: either in the initial snapshot or in the replication stream.
 *
 * <p>A stream offset {@code (lsn, events)} means: every transaction whose commit LSN is below {@code lsn} is done,
 * and so are the first {@code events} events of the transaction that committed at exactly {@code lsn} (if any).
 * Resuming starts replication at {@code lsn} and skips those events, so a restart in the middle of a large
 * transaction neither repeats nor loses anything. Only {@code lsn} is ever confirmed to the slot: the slot never
 * moves past a transaction that was delivered only in part.
 *
 * <p>A snapshot offset {@code (lsn, rows)} means {@code rows} rows of a snapshot taken at the slot's consistent
 * point {@code lsn} were read. Snapshots are not resumable (the exported snapshot dies with its connection), so a
 * snapshot offset never covers a stream offset: it only says a snapshot was under way.
 *
 * <p>A stream offset may also carry the {@link SnapshotProgress} of an incremental snapshot that is under way
 * ({@link SnapshotMode#INCREMENTAL}): how far its chunks have read. Such an offset never covers an offset without
 * progress, so a catch-up run ends only after the snapshot is complete.
 *
 * <p>A stream offset may also carry the {@link BackfillQueue} of the backfills asked for and not done
 * ({@code backfill=}): the one being read, with its last key, and those waiting. It plays no part in
 * {@link #covers}: a backfill re-delivers rows, so a catch-up run may end in the middle of one (the next run goes on
 * with it).
 *
 * <p>The events of a table read at a marker (a table that joined, or whose columns changed) carry the stream's
 * position before the marker's transaction, marked {@code reread}: a restart meets the marker again and reads the
 * table again, and such an offset covers nothing, so a catch-up run never ends with the table half read (its
 * TRUNCATE committed, some of its rows not yet).
 *
 * <p>Text forms: {@code pg:lsn=0/16B3748,events=5}, {@code pg:lsn=0/16B3748,events=5,chunk=<progress>},
 * {@code pg:lsn=0/16B3748,events=5,backfill=<queue>}, {@code pg:lsn=0/16B3748,events=5,reread} (the optional
 * parts in this order) and {@code pg:snapshot=0/16B3748,rows=1200}.
 */
record PgOffset(boolean snapshot, long lsn, long count, SnapshotProgress progress, BackfillQueue backfills,
        boolean reread) implements Offset {

    static final String TAG = "pg:";
    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    PgOffset {
        if (lsn < 0 || count < 0) {
            throw new IllegalArgumentException("an offset needs a non-negative LSN and count, got "
                    + lsn + " and " + count);
        }
        if (snapshot && (progress != null || backfills != null)) {
            throw new IllegalArgumentException("a snapshot offset carries no incremental snapshot progress nor"
                    + " backfills");
        }
    }

    PgOffset(boolean snapshot, long lsn, long count, SnapshotProgress progress, boolean reread) {
        this(snapshot, lsn, count, progress, null, reread);
    }

    PgOffset(boolean snapshot, long lsn, long count) {
        this(snapshot, lsn, count, null, null, false);
    }

    /** This stream position with {@code next} as its snapshot progress (null: no snapshot running). */
    PgOffset withProgress(SnapshotProgress next) {
        return next == progress ? this : new PgOffset(snapshot, lsn, count, next, backfills, reread);
    }

    /** This stream position with {@code next} as the backfills owed (null: none). */
    PgOffset withBackfills(BackfillQueue next) {
        return next == backfills ? this : new PgOffset(snapshot, lsn, count, progress, next, reread);
    }

    /** This stream position, for the events of a table read at a marker (see the class description). */
    PgOffset asReread() {
        return new PgOffset(snapshot, lsn, count, progress, backfills, true);
    }

    /** The stream position: all transactions committed below {@code lsn}, plus {@code events} of the one at it. */
    static PgOffset stream(long lsn, long events) {
        return new PgOffset(false, lsn, events);
    }

    /** {@code rows} rows read of the snapshot taken at consistent point {@code lsn}. */
    static PgOffset inSnapshot(long lsn, long rows) {
        return new PgOffset(true, lsn, rows);
    }

    @Override
    public String encode() {
        // the Parquet sink writes this text for every event, and the events of one transaction (or snapshot)
        // share their LSN: its text is built once, by hand (LogSequenceNumber.asString() uses String.format)
        Prefix prefix = lastPrefix;
        if (prefix == null || prefix.lsn != lsn || prefix.snapshot != snapshot) {
            prefix = new Prefix(snapshot, lsn, TAG + (snapshot ? "snapshot=" : "lsn=") + lsnText(lsn)
                    + (snapshot ? ",rows=" : ",events="));
            lastPrefix = prefix;
        }
        String text = progress == null ? prefix.text + count : prefix.text + count + ",chunk=" + progress.encode();
        if (backfills != null) {
            text += ",backfill=" + backfills.encode();
        }
        return reread ? text + ",reread" : text;
    }

    /** The text of an offset up to its count; immutable, so safe to share between threads. */
    private record Prefix(boolean snapshot, long lsn, String text) {}

    private static volatile Prefix lastPrefix;

    /** {@code X/Y}: the two 32-bit halves in upper-case hex, as PostgreSQL writes an LSN. */
    static String lsnText(long lsn) {
        char[] text = new char[17];
        int end = hex(text, 0, (int) (lsn >>> 32));
        text[end++] = '/';
        end = hex(text, end, (int) lsn);
        return new String(text, 0, end);
    }

    /** Writes {@code value} as unsigned upper-case hex without leading zeros at {@code at}; returns the end. */
    private static int hex(char[] out, int at, int value) {
        int digits = Math.max(1, 8 - Integer.numberOfLeadingZeros(value) / 4);
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = HEX_DIGITS[value & 0xF];
            value >>>= 4;
        }
        return at + digits;
    }

    static PgOffset decode(String text) {
        String expected = "expected a PostgreSQL source offset such as 'pg:lsn=0/16B3748,events=0' or "
                + "'pg:snapshot=0/16B3748,rows=10', got '" + text + "'";
        if (text == null || !text.startsWith(TAG)) {
            throw new IllegalArgumentException(expected);
        }
        String[] parts = text.substring(TAG.length()).split(",", -1);
        boolean rereading = parts.length > 2 && parts[parts.length - 1].equals("reread");
        if (rereading) {
            parts = Arrays.copyOf(parts, parts.length - 1);
        }
        String backfillText = null;
        if (parts.length > 2 && parts[parts.length - 1].startsWith("backfill=")) {
            backfillText = parts[parts.length - 1].substring("backfill=".length());
            parts = Arrays.copyOf(parts, parts.length - 1);
        }
        if (parts.length != 2 && parts.length != 3 || backfillText != null && parts[0].startsWith("snapshot=")) {
            throw new IllegalArgumentException(expected);
        }
        boolean snapshot = parts[0].startsWith("snapshot=");
        String lsnPrefix = snapshot ? "snapshot=" : "lsn=";
        String countPrefix = snapshot ? "rows=" : "events=";
        if (!parts[0].startsWith(lsnPrefix) || !parts[1].startsWith(countPrefix)) {
            throw new IllegalArgumentException(expected);
        }
        if (parts.length == 3 && (snapshot || !parts[2].startsWith("chunk="))) {
            throw new IllegalArgumentException(expected);
        }
        try {
            long lsn = parseLsn(parts[0].substring(lsnPrefix.length()));
            long count = Long.parseLong(parts[1].substring(countPrefix.length()));
            SnapshotProgress progress = parts.length == 3
                    ? SnapshotProgress.decode(parts[2].substring("chunk=".length())) : null;
            BackfillQueue backfills = backfillText == null ? null : BackfillQueue.decode(backfillText);
            return new PgOffset(snapshot, lsn, count, progress, backfills, rereading);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(expected, e);
        }
    }

    /** Parses {@code X/Y} (two hex halves); unlike LogSequenceNumber.valueOf(String) it refuses bad text. */
    static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'");
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return high << 32 | low;
    }

    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof PgOffset that)) {
            throw new IllegalArgumentException("not a PostgreSQL source offset: " + other);
        }
        if (reread) {
            return false; // a table is half read: nothing is reached until it is read whole
        }
        if (snapshot) {
            // a snapshot in progress covers only less of the same snapshot; never any stream position
            return that.snapshot && lsn == that.lsn && count >= that.count;
        }
        if (that.snapshot) {
            return progress == null && lsn >= that.lsn;
        }
        if (progress != null && that.progress == null) {
            return false; // an incremental snapshot is still under way: nothing without one is reached yet
        }
        if (lsn != that.lsn || count != that.count) {
            return lsn > that.lsn || lsn == that.lsn && count > that.count;
        }
        // the rows of a chunk share the stream position they were emitted at
        return progress == null || progress.rows() >= that.progress.rows();
    }

    @Override
    public String toString() {
        return encode();
    }
}

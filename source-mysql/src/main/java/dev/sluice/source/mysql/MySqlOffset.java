package dev.sluice.source.mysql;

import dev.sluice.Offset;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.capture.SnapshotProgress;
import java.util.List;
import java.util.Objects;

/**
 * A position of a {@link MySqlSource}. Two kinds:
 *
 * <ul>
 *   <li>binlog: the file and position where a transaction (or any event group) starts, and how many rows of that
 *       group are already delivered. Resuming re-reads the group from its start and skips those rows, so a restart
 *       in the middle of a large transaction neither repeats nor skips rows. The GTID of the group is recorded
 *       where the server has one (MariaDB always; MySQL with {@code gtid_mode=ON}); it is informational and not
 *       used for resuming. While XA transactions are prepared and not yet committed, the offset also lists where
 *       each starts: resuming reads them again (their rows are delivered at their XA COMMIT).</li>
 *   <li>snapshot: a snapshot taken at a binlog position is in progress. Resuming from it takes the snapshot again
 *       (its rows are delivered again) and then streams.</li>
 * </ul>
 *
 * <p>Binlog offsets also name the server they were read from ({@code server=}) and, on MariaDB, the GTID state at
 * the start of their group ({@code state=}): resuming checks that the server's binlog at the position is the one
 * the offset was read from, and resumes by GTID after a failover.
 *
 * <p>While an incremental snapshot ({@link SnapshotMode#INCREMENTAL}) runs, a binlog offset also carries its
 * {@link SnapshotProgress} ({@code chunk=}): resuming streams from the position and reads the snapshot on after the
 * progress's last key. An offset with progress never covers one without: the snapshot is not complete.
 *
 * <p>A binlog offset may also carry the {@link BackfillQueue} of the backfills asked for and not done
 * ({@code backfill=}): the one being read, with its last key, and those waiting. It plays no part in
 * {@link #covers}: a backfill re-delivers rows, so a catch-up run may end in the middle of one.
 *
 * <p>Binlog offsets written by a stream also record the source's table filter ({@code filter=}, a {@link FilterStamp}):
 * a restart with another filter backfills the tables the new one adds. It plays no part in {@link #covers} either.
 *
 * <p>Text forms: {@code mysql:binlog:<file>:<position>:<rows>[;gtid=<gtid>][;xa=<file>:<pos>,…][;server=<id>]
 * [;state=<gtid>,…][;chunk=<progress>][;backfill=<queue>][;filter=<stamp>]} and
 * {@code mysql:snapshot:<file>:<position>}. Immutable and thread-safe.
 */
final class MySqlOffset implements Offset {

    static final String PREFIX = "mysql:";
    private static final String BINLOG = PREFIX + "binlog:";
    private static final String SNAPSHOT = PREFIX + "snapshot:";
    private static final String GTID = ";gtid=";
    private static final String XA = ";xa=";
    private static final String SERVER = ";server=";
    private static final String STATE = ";state=";
    private static final String CHUNK = ";chunk=";
    private static final String BACKFILL = ";backfill=";
    private static final String REREAD = ";reread";
    private static final String FILTER = ";filter=";

    private final boolean snapshot;
    private final String file;
    private final long position;
    private final long rows;
    private final String gtid;
    /** Start positions ({@code file:position}) of XA transactions prepared before this offset, not yet committed. */
    private final List<String> preparedXa;
    /** The server the offset was read from ({@code @@server_id} on MariaDB, {@code @@server_uuid} on MySQL). */
    private final String server;
    /** MariaDB: the GTID state at the group's start (the last GTID of each domain before it), or null. */
    private final String state;
    /** The progress of an incremental snapshot running at this offset, or null. */
    private final SnapshotProgress chunk;
    /** The backfills owed at this offset, or null. */
    private final BackfillQueue backfills;
    /**
     * True for the events of tables read again after an ALTER: a restart reads them again from the statement, and
     * such an offset covers nothing, so a catch-up run never ends with a table half read.
     */
    private final boolean reread;
    /** The table filter of the stream that wrote this offset, or null (older offsets, offsets made in tests). */
    private final FilterStamp filter;
    /** The text form, built on first use: the Parquet sink writes it for every event, a snapshot shares one offset. */
    private String text;

    private MySqlOffset(boolean snapshot, String file, long position, long rows, String gtid, List<String> preparedXa,
            String server, String state, SnapshotProgress chunk, BackfillQueue backfills, boolean reread,
            FilterStamp filter) {
        this.snapshot = snapshot;
        this.file = Objects.requireNonNull(file, "file");
        if (file.isEmpty() || position < 0 || rows < 0) {
            throw new IllegalArgumentException("bad binlog position " + file + ":" + position + " row " + rows);
        }
        this.position = position;
        this.rows = rows;
        this.gtid = gtid;
        this.preparedXa = List.copyOf(preparedXa);
        this.server = server;
        this.state = state;
        this.chunk = chunk;
        this.backfills = backfills;
        this.reread = reread;
        this.filter = filter;
    }

    /** This offset, saying which server it was read from and (MariaDB) the GTID state at its group's start. */
    MySqlOffset identity(String server, String state) {
        return new MySqlOffset(snapshot, file, position, rows, gtid, preparedXa, server, state, chunk, backfills,
                reread, filter);
    }

    /** This binlog offset with an incremental snapshot's progress (null: no snapshot running). */
    MySqlOffset withChunk(SnapshotProgress progress) {
        if (snapshot && progress != null) {
            throw new IllegalArgumentException("a consistent snapshot's offset carries no chunk progress");
        }
        return new MySqlOffset(snapshot, file, position, rows, gtid, preparedXa, server, state, progress, backfills,
                reread, filter);
    }

    /** This binlog offset with the backfills owed (null: none). */
    MySqlOffset withBackfills(BackfillQueue next) {
        if (snapshot && next != null) {
            throw new IllegalArgumentException("a consistent snapshot's offset carries no backfills");
        }
        return next == backfills ? this
                : new MySqlOffset(snapshot, file, position, rows, gtid, preparedXa, server, state, chunk, next, reread,
                        filter);
    }

    /** This binlog offset, recording the table filter of the stream that reads it (null: none recorded). */
    MySqlOffset withFilter(FilterStamp stamp) {
        if (snapshot && stamp != null) {
            throw new IllegalArgumentException("a consistent snapshot's offset records no filter");
        }
        return stamp == filter ? this
                : new MySqlOffset(snapshot, file, position, rows, gtid, preparedXa, server, state, chunk, backfills,
                        reread, stamp);
    }

    /** The table filter of the stream that wrote this offset, or null if it records none. */
    FilterStamp filter() {
        return filter;
    }

    /** The backfills owed at this offset, or null. */
    BackfillQueue backfills() {
        return backfills;
    }

    /** This offset, for the events of a table read again after an ALTER (see {@link #reread}). */
    MySqlOffset asReread() {
        return new MySqlOffset(snapshot, file, position, rows, gtid, preparedXa, server, state, chunk, backfills,
                true, filter);
    }

    /** The progress of the incremental snapshot running at this offset, or null if none is. */
    SnapshotProgress chunk() {
        return chunk;
    }

    String server() {
        return server;
    }

    String state() {
        return state;
    }

    /** After {@code rows} rows of the event group that starts at {@code file:position}. */
    static MySqlOffset binlog(String file, long position, long rows, String gtid) {
        return new MySqlOffset(false, file, position, rows, gtid, List.of(), null, null, null, null, false, null);
    }

    /** As {@link #binlog(String, long, long, String)}, with XA transactions prepared before it and not resolved. */
    static MySqlOffset binlog(String file, long position, long rows, String gtid, List<String> preparedXa) {
        return new MySqlOffset(false, file, position, rows, gtid, preparedXa, null, null, null, null, false, null);
    }

    /** A snapshot in progress, consistent with {@code file:position}. */
    static MySqlOffset snapshot(String file, long position) {
        return new MySqlOffset(true, file, position, 0, null, List.of(), null, null, null, null, false, null);
    }

    static MySqlOffset decode(String text) {
        Objects.requireNonNull(text, "encoded offset");
        try {
            if (text.startsWith(SNAPSHOT)) {
                String rest = text.substring(SNAPSHOT.length());
                int colon = rest.lastIndexOf(':');
                return snapshot(rest.substring(0, colon), Long.parseLong(rest.substring(colon + 1)));
            }
            if (text.startsWith(BINLOG)) {
                String[] parts = text.substring(BINLOG.length()).split(";");
                String rest = parts[0];
                String gtid = null;
                List<String> xa = List.of();
                String server = null;
                String state = null;
                SnapshotProgress chunk = null;
                BackfillQueue backfills = null;
                boolean reread = false;
                FilterStamp filter = null;
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].startsWith(GTID.substring(1))) {
                        gtid = parts[i].substring(GTID.length() - 1);
                    } else if (parts[i].startsWith(XA.substring(1))) {
                        xa = List.of(parts[i].substring(XA.length() - 1).split(","));
                    } else if (parts[i].startsWith(SERVER.substring(1))) {
                        server = parts[i].substring(SERVER.length() - 1);
                    } else if (parts[i].startsWith(STATE.substring(1))) {
                        state = parts[i].substring(STATE.length() - 1);
                    } else if (parts[i].startsWith(CHUNK.substring(1))) {
                        chunk = SnapshotProgress.decode(parts[i].substring(CHUNK.length() - 1));
                    } else if (parts[i].startsWith(BACKFILL.substring(1))) {
                        backfills = BackfillQueue.decode(parts[i].substring(BACKFILL.length() - 1));
                    } else if (parts[i].startsWith(FILTER.substring(1))) {
                        filter = FilterStamp.decode(parts[i].substring(FILTER.length() - 1));
                    } else if (parts[i].equals(REREAD.substring(1))) {
                        reread = true;
                    }
                    // other fields are from a later version: ignored, as they only add checks
                }
                int rowsColon = rest.lastIndexOf(':');
                int posColon = rest.lastIndexOf(':', rowsColon - 1);
                MySqlOffset offset = binlog(rest.substring(0, posColon),
                        Long.parseLong(rest.substring(posColon + 1, rowsColon)),
                        Long.parseLong(rest.substring(rowsColon + 1)), gtid, xa).identity(server, state).withChunk(chunk).withBackfills(backfills).withFilter(filter);
                return reread ? offset.asReread() : offset;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a MySQL source offset: expected "
                    + "mysql:binlog:<file>:<position>:<rows> or mysql:snapshot:<file>:<position>", e);
        }
        throw new IllegalArgumentException("'" + text + "' is not a MySQL source offset: it should start with '"
                + PREFIX + "binlog:' or '" + PREFIX + "snapshot:'");
    }

    boolean isSnapshot() {
        return snapshot;
    }

    String file() {
        return file;
    }

    long position() {
        return position;
    }

    /** Rows of the event group at {@link #position()} already delivered. */
    long rows() {
        return rows;
    }

    String gtid() {
        return gtid;
    }

    /** Where XA transactions prepared before this offset and still pending start ({@code file:position}). */
    List<String> preparedXa() {
        return preparedXa;
    }

    @Override
    public String encode() {
        String encoded = text;
        if (encoded == null) {
            encoded = snapshot ? SNAPSHOT + file + ":" + position
                    : BINLOG + file + ":" + position + ":" + rows + (gtid == null ? "" : GTID + gtid)
                            + (preparedXa.isEmpty() ? "" : XA + String.join(",", preparedXa))
                            + (server == null ? "" : SERVER + server) + (state == null ? "" : STATE + state)
                            + (chunk == null ? "" : CHUNK + chunk.encode())
                            + (backfills == null ? "" : BACKFILL + backfills.encode()) + (reread ? REREAD : "")
                            + (filter == null ? "" : FILTER + filter.encode());
            text = encoded; // a benign race: every thread builds the same string
        }
        return encoded;
    }

    /**
     * A binlog offset covers every binlog or snapshot offset at or before it. A snapshot in progress covers only
     * itself: nothing is durable past its resume point until the snapshot is complete. An offset with an
     * incremental snapshot's progress never covers one without (its snapshot is not complete); between two with
     * progress, the position decides, then the rows the snapshot read.
     */
    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof MySqlOffset that)) {
            throw new IllegalArgumentException("not a MySQL source offset: " + other);
        }
        if (reread) {
            return false; // a table is half read: nothing is reached until it is read whole
        }
        if (snapshot) {
            return equals(that);
        }
        if (chunk != null && that.chunk == null) {
            return false;
        }
        int byPosition = compareFiles(file, that.file);
        if (byPosition == 0) {
            byPosition = Long.compare(position, that.position);
        }
        if (byPosition == 0 && !that.snapshot) {
            byPosition = Long.compare(rows, that.rows);
        }
        if (byPosition == 0 && chunk != null) {
            byPosition = Long.compare(chunk.rows(), that.chunk.rows());
        }
        return byPosition >= 0;
    }

    /** Binlog files are numbered {@code base.000123}: compare the numbers, so {@code .999999} precedes {@code .1000000}. */
    static int compareFiles(String a, String b) {
        int dotA = a.lastIndexOf('.');
        int dotB = b.lastIndexOf('.');
        if (dotA > 0 && dotB > 0 && a.substring(0, dotA).equals(b.substring(0, dotB))) {
            try {
                return Long.compare(Long.parseLong(a.substring(dotA + 1)), Long.parseLong(b.substring(dotB + 1)));
            } catch (NumberFormatException e) {
                // not numbered: fall back to text order
            }
        }
        return a.compareTo(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MySqlOffset that && snapshot == that.snapshot && position == that.position
                && rows == that.rows && file.equals(that.file) && Objects.equals(gtid, that.gtid)
                && preparedXa.equals(that.preparedXa) && Objects.equals(server, that.server)
                && Objects.equals(state, that.state) && Objects.equals(chunk, that.chunk)
                && Objects.equals(backfills, that.backfills) && reread == that.reread
                && Objects.equals(filter, that.filter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(snapshot, file, position, rows, gtid, preparedXa, server, state, chunk, backfills, reread,
                filter);
    }

    @Override
    public String toString() {
        return encode();
    }
}

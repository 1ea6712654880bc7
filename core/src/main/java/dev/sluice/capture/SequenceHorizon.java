package dev.sluice.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The commit-order guard of trigger capture. Sequence values are handed out when a change is written but become
 * visible when its transaction commits, so a reader that took everything up to the highest visible value would
 * skip a lower value committed later. The horizon is the highest sequence value at or below which every
 * transaction has ended: reading up to it, in sequence order, never skips a change.
 *
 * <p>Each round reads the last sequence value handed out and, after it, a fence; once the dialect reports the
 * fence passed (every transaction older than it ended), that sequence value becomes the horizon. Only used by
 * one stream's capture thread.
 */
final class SequenceHorizon {

    private final CaptureDialect dialect;
    private final ChangeTable changeTable;
    private final Duration safetyWindow;
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private long horizon;

    SequenceHorizon(CaptureDialect dialect, ChangeTable changeTable, Duration safetyWindow, long start) {
        this.dialect = dialect;
        this.changeTable = changeTable;
        this.safetyWindow = safetyWindow;
        this.horizon = start;
    }

    /** Advances the horizon as far as the database allows now, and returns it. */
    long advance(Connection connection) throws SQLException {
        long last = dialect.lastSequence(connection, changeTable);
        long newest = pending.isEmpty() ? horizon : pending.peekLast()[0];
        if (last > newest) {
            // taking a fence may cost the database something (an xid): only when there is something new
            pending.addLast(new long[] {last, dialect.fence(connection)});
        }
        if (pending.isEmpty()) {
            return horizon;
        }
        long passed = dialect.passedFence(connection, safetyWindow);
        while (!pending.isEmpty() && pending.peekFirst()[1] <= passed) {
            horizon = Math.max(horizon, pending.pollFirst()[0]);
        }
        return horizon;
    }

    /** The fence the horizon waits for now (a transaction older than it is still open), or null if none. */
    Object holding() {
        return pending.isEmpty() ? null : pending.peekFirst()[1];
    }
}

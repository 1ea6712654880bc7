package dev.sluice.source.postgres;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.capture.HealthProbe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * Measures a replication slot's backlog and retention risk from {@code pg_replication_slots}, on a connection of its
 * own (see {@link HealthProbe}). Backlog: WAL between the slot's {@code confirmed_flush_lsn} and
 * {@code pg_current_wal_lsn()}. Retained: WAL from its {@code restart_lsn}. Limit and headroom:
 * {@code max_slot_wal_keep_size} and {@code safe_wal_size}. Levels: see {@link #assess}.
 */
final class SlotHealth implements HealthProbe.Check {

    /** Headroom below this share of {@code max_slot_wal_keep_size}: WARNING. */
    static final double WARNING_HEADROOM = 0.5;
    /** Headroom below this share of {@code max_slot_wal_keep_size}: CRITICAL. */
    static final double CRITICAL_HEADROOM = 0.2;
    private static final int QUERY_TIMEOUT_SECONDS = 5;
    private static final String QUERY = "SELECT wal_status, safe_wal_size,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,"
            + " pg_size_bytes(current_setting('max_slot_wal_keep_size'))"
            + " FROM pg_replication_slots WHERE slot_name = ?";

    private final Connector connector;
    private final String slot;
    private Connection connection;

    SlotHealth(Connector connector, String slot) {
        this.connector = connector;
        this.slot = slot;
    }

    @Override
    public SourceHealth check(Clock clock) throws SQLException {
        if (connection == null) {
            connection = connector.connect();
        }
        try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                Instant now = clock.instant();
                if (!rs.next()) {
                    return new SourceHealth(Risk.CRITICAL, "replication slot " + slot + " does not exist any more:"
                            + " the pipeline cannot resume from it. Fix: re-snapshot, by deleting the pipeline's"
                            + " stored offset (it then creates a new slot).", -1, null, -1, -1, -1, null, now);
                }
                return assess(slot, rs.getString(1), nullable(rs, 2), nullable(rs, 3), nullable(rs, 4),
                        rs.getLong(5), now);
            }
        }
    }

    private static long nullable(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? -1 : value;
    }

    /**
     * The risk from the slot's values: CRITICAL if the slot is {@code lost} (invalidated) or {@code unreserved} (its
     * WAL goes at the next checkpoint); with a {@code max_slot_wal_keep_size}, WARNING when less than half of it is
     * left ({@code safe_wal_size}), CRITICAL below a fifth; without one (-1) OK, the disk being the limit.
     *
     * @param walStatus {@code wal_status}: reserved, extended, unreserved or lost (null for lost, as for a slot
     *     that never reserved WAL)
     * @param safeWalSize {@code safe_wal_size}, -1 where it is null (no limit, or lost)
     * @param retained WAL bytes from {@code restart_lsn} to the current position, -1 if unknown
     * @param backlog WAL bytes from {@code confirmed_flush_lsn} to the current position, -1 if unknown
     * @param limit {@code max_slot_wal_keep_size} in bytes, -1 for no limit
     */
    static SourceHealth assess(String slot, String walStatus, long safeWalSize, long retained, long backlog,
            long limit, Instant at) {
        long limitBytes = limit > 0 ? limit : -1;
        long headroom = safeWalSize < 0 && limitBytes < 0 ? -1 : Math.max(0, safeWalSize);
        SourceHealth measured = new SourceHealth(Risk.OK, "", Math.max(-1, backlog), null, Math.max(-1, retained),
                limitBytes, headroom, null, at);
        String fix = "Fix: speed up the sink (or find why the pipeline does not commit), or raise"
                + " max_slot_wal_keep_size.";
        if (walStatus == null || "lost".equals(walStatus)) {
            return measured.withRisk(Risk.CRITICAL, "replication slot " + slot + " was invalidated: the server"
                    + " removed WAL it still needed (max_slot_wal_keep_size), so the pipeline cannot resume. Fix:"
                    + " re-snapshot (drop the slot and delete the pipeline's stored offset); raise"
                    + " max_slot_wal_keep_size, or commit more often.");
        }
        if ("unreserved".equals(walStatus)) {
            return measured.withRisk(Risk.CRITICAL, "replication slot " + slot + " holds " + mb(retained)
                    + " of WAL, past max_slot_wal_keep_size (" + mb(limitBytes) + "): the server removes it at the"
                    + " next checkpoint and the slot is invalidated, unless the pipeline catches up first. " + fix);
        }
        if (limitBytes < 0) {
            return measured.withRisk(Risk.OK, "replication slot " + slot + " holds " + mb(retained) + " of WAL ("
                    + mb(backlog) + " not yet confirmed); max_slot_wal_keep_size is -1, so the server keeps it"
                    + " without limit: the risk is pg_wal filling the disk, so watch its free space (or set"
                    + " max_slot_wal_keep_size).");
        }
        double share = (double) headroom / limitBytes;
        String state = "replication slot " + slot + " holds " + mb(retained) + " of WAL (" + mb(backlog)
                + " not yet confirmed); " + mb(headroom) + " more may be written before the server invalidates it"
                + " (max_slot_wal_keep_size " + mb(limitBytes) + ")";
        if (share < CRITICAL_HEADROOM) {
            return measured.withRisk(Risk.CRITICAL, state + ", under " + pct(CRITICAL_HEADROOM) + " of the limit. "
                    + fix);
        }
        if (share < WARNING_HEADROOM) {
            return measured.withRisk(Risk.WARNING, state + ", under " + pct(WARNING_HEADROOM) + " of the limit. "
                    + fix);
        }
        return measured.withRisk(Risk.OK, state + ".");
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "an unknown amount" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static String pct(double share) {
        return Math.round(share * 100) + "%";
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a broken connection: nothing to release
            }
        }
    }
}

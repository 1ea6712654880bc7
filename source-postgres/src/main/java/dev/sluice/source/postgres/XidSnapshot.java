package dev.sluice.source.postgres;

import java.util.HashSet;
import java.util.Set;

/**
 * A transaction snapshot as {@code pg_current_snapshot()} writes it ({@code xmin:xmax:xip,...}, 64-bit xids), to
 * ask whether a transaction the replication stream delivered is visible to it. The stream's BEGIN messages carry
 * 32-bit xids: they are widened with the epoch of {@code xmax}, which is exact for every transaction less than 2^31
 * transactions older than the snapshot (the server's own wraparound limit). Immutable.
 */
final class XidSnapshot {

    private final long xmin;
    private final long xmax;
    private final Set<Long> inProgress;

    private XidSnapshot(long xmin, long xmax, Set<Long> inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    static XidSnapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a pg_snapshot: '" + text + "'");
        }
        Set<Long> xip = new HashSet<>();
        if (!parts[2].isEmpty()) {
            for (String xid : parts[2].split(",")) {
                xip.add(Long.parseLong(xid));
            }
        }
        return new XidSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /** True if the committed transaction with this 32-bit xid is visible to the snapshot. */
    boolean sees(long xid32) {
        long full = (xmax & ~0xFFFF_FFFFL) | (xid32 & 0xFFFF_FFFFL);
        if (full >= xmax + (1L << 31)) {
            full -= 1L << 32; // from the epoch before xmax's
        }
        return full < xmin || full < xmax && !inProgress.contains(full);
    }

    @Override
    public String toString() {
        return xmin + ":" + xmax + ":" + inProgress;
    }
}

package dev.sluice;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far a pipeline's source is behind, and how close the source's log is to dropping what the pipeline still
 * needs, as its {@link ChangeStream#health()} last measured it. Where a quantity cannot be known for a source, it is
 * {@code -1} (sizes) or null (durations). Immutable.
 *
 * <p>A source that keeps log for the pipeline (a PostgreSQL replication slot) or by age (MySQL/MariaDB binlogs, the
 * MongoDB oplog) loses the changes the pipeline has not read once that log is removed, and the pipeline must then be
 * snapshotted again. {@link #risk()} says how near that is, {@link #reason()} why, and what to do.
 *
 * @param risk how near the source is to removing log the pipeline still needs
 * @param reason what the risk level rests on and, above {@link Risk#OK}, the fix; never null
 * @param backlogBytes bytes of log between the position the pipeline confirmed to the source and the source's newest
 *     position (PostgreSQL: current WAL position minus the slot's {@code confirmed_flush_lsn}; MySQL/MariaDB: binlog
 *     bytes after the committed position), or -1 where the source cannot tell
 * @param backlogTime the source time between the pipeline's resume point and the newest change (MongoDB: oplog time
 *     behind its newest entry), or null where the source cannot tell
 * @param retainedBytes log the source keeps on disk (PostgreSQL: WAL from the slot's {@code restart_lsn}; MySQL and
 *     MariaDB: all binlog files), or -1
 * @param limitBytes the setting that bounds {@code retainedBytes} (PostgreSQL: {@code max_slot_wal_keep_size}), or
 *     -1 when nothing bounds it or it is unknown
 * @param headroomBytes how many more bytes of log may be written before the source removes log the pipeline needs
 *     (PostgreSQL: {@code safe_wal_size}), or -1
 * @param headroomTime how long until the source removes log the pipeline needs, where it keeps log by age (MongoDB:
 *     the oplog window left before the resume point), or null
 * @param checkedAt when it was measured, or null if it never was
 */
public record SourceHealth(
        Risk risk,
        String reason,
        long backlogBytes,
        Duration backlogTime,
        long retainedBytes,
        long limitBytes,
        long headroomBytes,
        Duration headroomTime,
        Instant checkedAt) {

    /** How near a source is to removing log the pipeline still needs. */
    public enum Risk {
        /** Not measured: the source cannot tell, or the check failed (see the reason). */
        UNKNOWN(-1),
        /** Nothing the pipeline needs is near removal. */
        OK(0),
        /** The log the pipeline needs could be removed if the backlog keeps growing: act now. */
        WARNING(1),
        /** The log the pipeline needs is being (or has been) removed: the pipeline will have to snapshot again. */
        CRITICAL(2);

        private final int level;

        Risk(int level) {
            this.level = level;
        }

        /**
         * 0 for OK, 1 for WARNING, 2 for CRITICAL, -1 for UNKNOWN: the value of the risk gauge.
         *
         * @return the gauge value, -1 to 2
         */
        public int level() {
            return level;
        }
    }

    /**
     * Checks the values: sizes are -1 or more, durations are not negative.
     *
     * @param risk the risk level, not null
     * @param reason what the level rests on and the fix, not null
     * @param backlogBytes backlog in bytes, or -1
     * @param backlogTime backlog in source time, not negative, or null
     * @param retainedBytes retained log in bytes, or -1
     * @param limitBytes the retention limit in bytes, or -1
     * @param headroomBytes headroom in bytes, or -1
     * @param headroomTime headroom in time, not negative, or null
     * @param checkedAt when measured, or null
     * @throws IllegalArgumentException if a size is below -1 or a duration is negative
     */
    public SourceHealth {
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(reason, "reason");
        if (backlogBytes < -1 || retainedBytes < -1 || limitBytes < -1 || headroomBytes < -1) {
            throw new IllegalArgumentException("sizes are -1 (unknown) or more: backlog " + backlogBytes
                    + ", retained " + retainedBytes + ", limit " + limitBytes + ", headroom " + headroomBytes);
        }
        if (backlogTime != null && backlogTime.isNegative() || headroomTime != null && headroomTime.isNegative()) {
            throw new IllegalArgumentException("durations are null (unknown) or not negative: backlog "
                    + backlogTime + ", headroom " + headroomTime);
        }
    }

    /**
     * Nothing measured, for the reason given (the source cannot tell, or the check failed).
     *
     * @param reason why nothing was measured, not null; shown in logs and status
     * @return a health of risk {@link Risk#UNKNOWN} with every quantity unknown
     */
    public static SourceHealth unknown(String reason) {
        return new SourceHealth(Risk.UNKNOWN, reason, -1, null, -1, -1, -1, null, null);
    }

    /**
     * This measurement with another risk level and reason.
     *
     * @param level the new risk level, not null
     * @param why what the new level rests on and the fix, not null
     * @return a copy with the same quantities
     */
    public SourceHealth withRisk(Risk level, String why) {
        return new SourceHealth(level, why, backlogBytes, backlogTime, retainedBytes, limitBytes, headroomBytes,
                headroomTime, checkedAt);
    }
}

package dev.sluice;

/**
 * How far a running snapshot has come, as its source reports it: the table being read and the rows read so far,
 * with estimates of the rows to read taken from the database's catalog statistics (PostgreSQL's
 * {@code pg_class.reltuples}, MySQL/MariaDB's {@code information_schema.TABLES.TABLE_ROWS}) where it has them.
 * Estimates are only estimates: rows read may pass them. Immutable.
 *
 * @param table the table being read now, or null between tables
 * @param tablesDone tables read completely
 * @param tablesTotal tables the snapshot reads in all
 * @param rowsRead rows read so far, all tables together (in this run of the snapshot, or since it began where
 *     the source keeps that in its offset)
 * @param rowsEstimated the estimated rows of all the snapshot's tables, or -1 where there is no estimate
 */
public record SnapshotStatus(TableId table, int tablesDone, int tablesTotal, long rowsRead, long rowsEstimated) {

    /**
     * Checks that the counts are consistent.
     *
     * @param table the table being read, or null
     * @param tablesDone tables done, 0 to {@code tablesTotal}
     * @param tablesTotal tables in all
     * @param rowsRead rows read, 0 or more
     * @param rowsEstimated rows estimated, or -1
     * @throws IllegalArgumentException if a count is negative or more tables are done than there are
     */
    public SnapshotStatus {
        if (tablesDone < 0 || tablesTotal < tablesDone || rowsRead < 0 || rowsEstimated < -1) {
            throw new IllegalArgumentException("inconsistent snapshot status: " + tablesDone + "/" + tablesTotal
                    + " tables, " + rowsRead + " of " + rowsEstimated + " rows");
        }
    }

    /**
     * The share of the estimated rows read, from 0 to 100 (capped at 99.9 while tables are left, since estimates
     * can be low), or -1 without an estimate.
     *
     * @return the percentage read, 0 to 100, or -1
     */
    public double percent() {
        if (rowsEstimated < 0) {
            return -1;
        }
        if (rowsEstimated == 0) {
            return tablesDone == tablesTotal ? 100 : 0;
        }
        double share = 100.0 * rowsRead / rowsEstimated;
        return tablesDone < tablesTotal ? Math.min(99.9, share) : Math.min(100, share);
    }
}

package dev.sluice.source.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;

/**
 * The start of the oldest transaction open on the server, from {@code information_schema.INNODB_TRX}, read so
 * that a stale answer cannot be taken for a fresh one.
 *
 * <p>InnoDB serves INNODB_TRX from a cache that it refills only when nobody has read it for 100 ms, so under
 * frequent reads it can be arbitrarily old. Each reading therefore notes the time {@code s}, opens a transaction of
 * its own, and accepts the cache only if that transaction is in it: the cache was then filled after {@code s},
 * and every transaction that started before {@code s} and is still open is listed. Otherwise it waits past the
 * cache's idle time and asks again. Readings are reused for {@link #REUSE_NANOS}, which both keeps this reader
 * from holding the cache stale itself and is safe, since an older bound stays a valid bound.
 *
 * <p>Thread-safe.
 */
final class MySqlCaptureTrxView {

    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: INNODB_TRX needs PROCESS. */
    static final int NEEDS_PROCESS = 1227;
    static final long REUSE_NANOS = 150_000_000L;
    private static final int ATTEMPTS = 4;
    private static final long CACHE_IDLE_MILLIS = 110;

    /**
     * One reading: at {@code nowMicros} (also {@code nowLocal}, the session's wall clock), and the bound below which
     * no open transaction started ({@code min(now, oldest start rounded down to the second)}), in microseconds.
     */
    record Reading(long nowMicros, LocalDateTime nowLocal, long boundMicros) {}

    private Reading last;
    private long lastNanos;

    /**
     * A fresh-enough reading, or null if the cache stayed stale (someone else reads it without pause).
     *
     * @throws SQLException with error code {@link #NEEDS_PROCESS} when the user lacks {@code PROCESS}
     */
    synchronized Reading read(Connection connection) throws SQLException {
        if (last != null && System.nanoTime() - lastNanos < REUSE_NANOS) {
            return last;
        }
        Reading reading = fresh(connection);
        if (reading != null) {
            last = reading;
            lastNanos = System.nanoTime();
        }
        return reading;
    }

    private static Reading fresh(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            long now;
            LocalDateTime local;
            try (ResultSet rs = s.executeQuery("SELECT NOW(6), CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)")) {
                rs.next();
                local = rs.getObject(1, LocalDateTime.class);
                now = rs.getLong(2);
            }
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            try {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    if (attempt > 0) {
                        pause();
                    }
                    try (ResultSet rs = s.executeQuery("SELECT CAST(UNIX_TIMESTAMP(MIN(CASE WHEN "
                            + "trx_mysql_thread_id <> CONNECTION_ID() THEN trx_started END)) * 1000000 AS SIGNED), "
                            + "SUM(trx_mysql_thread_id = CONNECTION_ID()) FROM information_schema.INNODB_TRX")) {
                        rs.next();
                        long oldest = rs.getLong(1);
                        boolean none = rs.wasNull();
                        if (rs.getLong(2) > 0) {
                            return new Reading(now, local, none ? now : Math.min(now, oldest));
                        }
                    }
                }
                return null;
            } finally {
                s.execute("COMMIT");
            }
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(CACHE_IDLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for INNODB_TRX to refresh", "70100", e);
        }
    }
}

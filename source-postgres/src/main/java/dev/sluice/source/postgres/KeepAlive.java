package dev.sluice.source.postgres;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a replication connection alive while the capture thread does not use it: blocked on a full queue behind a
 * slow sink (the server would end the walsender after {@code wal_sender_timeout} without a reply), or reading a
 * long snapshot (the idle connection would be found dead only when streaming starts, hours later).
 *
 * <p>Its thread checks several times per interval; when nothing was said to the server for an interval, it takes
 * the connection's lock with {@code tryLock} (never waiting on the capture thread) and pings. pgjdbc's connections
 * are not thread-safe: every use of the replication connection, by either thread, holds {@code wire}. A failed ping
 * is kept and reported by the capture thread's next poll ({@link #throwIfFailed}), never swallowed.
 */
final class KeepAlive implements AutoCloseable {

    /** What keeps the connection alive; called with the lock held. */
    @FunctionalInterface
    interface Ping {
        void ping() throws SQLException;
    }

    private final ReentrantLock wire;
    private final long intervalNanos;
    private final Ping ping;
    private final Thread thread;
    private volatile long lastContact = System.nanoTime();
    private volatile SQLException failure;
    private volatile boolean stopped;

    KeepAlive(String threadName, ReentrantLock wire, Duration interval, Ping ping) {
        this.wire = wire;
        this.intervalNanos = interval.toNanos();
        this.ping = ping;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The server heard from this client just now (a status update went out with the capture thread's read). */
    void touch() {
        lastContact = System.nanoTime();
    }

    void throwIfFailed() throws SQLException {
        SQLException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    private void run() {
        long check = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(intervalNanos / 4, 1_000_000_000L));
        while (!stopped) {
            LockSupport.parkNanos(check);
            if (stopped || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (System.nanoTime() - lastContact < intervalNanos || !wire.tryLock()) {
                continue; // recently heard from, or the capture thread is using the connection right now
            }
            try {
                if (stopped) {
                    return;
                }
                ping.ping();
                lastContact = System.nanoTime();
            } catch (SQLException e) {
                failure = e;
                return;
            } catch (RuntimeException e) {
                failure = new SQLException("keeping the replication connection alive failed: " + e, "08006", e);
                return;
            } finally {
                wire.unlock();
            }
        }
    }

    /** Stops the thread; waits for it at most a second (a ping in progress ends when the connection closes). */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

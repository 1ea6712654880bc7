package dev.sluice.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.Random;
import java.util.StringJoiner;

/**
 * W6's writer: updates and deletes rows 1..n of {@code bench} at a fixed offered rate, on a thread of its own, until
 * stopped. Every 10 ms it commits one transaction of {@code rate/100} writes, 4 updates for every delete, on keys
 * drawn at random from those not deleted yet (so every write changes a row). A writer that falls behind its
 * schedule writes without pausing until it has caught up; {@link #achievedRate()} says what it managed.
 */
final class ChangeWriter implements AutoCloseable {

    private final String url;
    private final RunSpec.Server server;
    private final int rows;
    private final int rate;
    private final Random random;
    private final BitSet deleted = new BitSet();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Exception failure;
    private long updates;
    private long deletes;
    private long startNanos;
    private long endNanos;

    ChangeWriter(String url, RunSpec.Server server, int rows, int rate, long seed) {
        this.url = url;
        this.server = server;
        this.rows = rows;
        this.rate = rate;
        this.random = new Random(seed);
        this.thread = new Thread(this::write, "w6-writer");
    }

    void start() {
        thread.start();
    }

    /** Stops the writer and waits for its last transaction; throws if it failed. Idempotent. */
    void stop() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the W6 writer", e);
        }
        if (failure != null) {
            throw new IllegalStateException("the W6 writer failed", failure);
        }
    }

    @Override
    public void close() {
        stop();
    }

    long updates() {
        return updates;
    }

    long deletes() {
        return deletes;
    }

    /** Writes per second from the first transaction to the last (valid after {@link #stop()}). */
    double achievedRate() {
        return (updates + deletes) * 1e9 / Math.max(1, endNanos - startNanos);
    }

    private void write() {
        int perTick = Math.max(1, rate / 100);
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            startNanos = System.nanoTime();
            for (long tick = 0; !stopping && deleted.cardinality() < rows / 2; tick++) {
                long wait = startNanos + tick * 10_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                StringJoiner update = new StringJoiner(",");
                StringJoiner delete = new StringJoiner(",");
                for (int k = 0; k < perTick; k++) {
                    long key = liveKey();
                    if (k % 5 == 4) {
                        deleted.set((int) key);
                        delete.add(Long.toString(key));
                        deletes++;
                    } else {
                        update.add(Long.toString(key));
                        updates++;
                    }
                }
                if (update.length() > 0) {
                    s.executeUpdate("UPDATE bench SET i = i + 1, s2 = 'w" + tick + "' WHERE id IN (" + update + ")");
                }
                if (delete.length() > 0) {
                    s.executeUpdate("DELETE FROM bench WHERE id IN (" + delete + ")");
                }
                c.commit();
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            endNanos = System.nanoTime();
        }
    }

    /** A key not deleted yet (the writer stops before half the rows are gone, so this ends quickly). */
    private long liveKey() {
        while (true) {
            int key = 1 + random.nextInt(rows);
            if (!deleted.get(key)) {
                return key;
            }
        }
    }
}

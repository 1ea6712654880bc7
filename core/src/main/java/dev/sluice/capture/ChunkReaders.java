package dev.sluice.capture;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The readers (one database connection each) of an incremental snapshot read with some parallelism, and the threads
 * that run them: {@link #run} runs up to {@code parallelism} reads at once, the first on the calling thread, the
 * others on threads of this object named {@code <threadName>-<n>}, and returns when all of them have ended.
 *
 * <p>Readers are opened when first needed and kept for the next window. A read that fails closes its reader (the next
 * window opens a new one); {@link #run} waits for the other reads, then throws the first failure: the window is not
 * opened and is read again whole, as the caller's failure handling says. {@link #close} closes every reader and
 * stops the threads; it is idempotent. {@link #run} is called by one thread (the capture thread); {@link #close} may
 * be called from any thread.
 *
 * @param <R> the reader type
 */
public final class ChunkReaders<R extends AutoCloseable> implements AutoCloseable {

    /** Opens a reader. */
    @FunctionalInterface
    public interface Opener<R> {

        /**
         * A new reader (and its connection).
         *
         * @return a reader with its own connection
         * @throws SQLException if the connection cannot be made
         */
        R open() throws SQLException;
    }

    /** A read on one reader. */
    @FunctionalInterface
    public interface Task<R, T> {

        /**
         * Runs the read on {@code reader}, on whichever thread {@link #run} chose.
         *
         * @param reader the reader to use, not null
         * @return the read's result
         * @throws SQLException if the read fails
         * @throws InterruptedException if the thread was interrupted
         */
        T run(R reader) throws SQLException, InterruptedException;
    }

    private final Opener<R> opener;
    private final int parallelism;
    private final String threadName;
    private final List<R> readers = new ArrayList<>();
    private ExecutorService threads;
    private volatile boolean closed;

    /**
     * Readers opened by {@code opener} when needed, at most {@code parallelism}; {@code threadName} names the threads
     * of the reads after the first.
     *
     * @param opener opens a reader, not null
     * @param parallelism the most readers and reads at once, 1 or more
     * @param threadName the name of the extra threads, not null
     */
    public ChunkReaders(Opener<R> opener, int parallelism, String threadName) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.opener = opener;
        this.parallelism = parallelism;
        this.threadName = threadName;
    }

    /**
     * The most reads {@link #run} runs at once.
     *
     * @return the parallelism, 1 or more
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Reader {@code index} (0 to parallelism - 1), opened if it is not. Used by the calling thread.
     *
     * @param index the reader's number
     * @return the reader, open
     * @throws SQLException if it cannot be opened
     */
    public synchronized R reader(int index) throws SQLException {
        if (closed) {
            throw new IllegalStateException("the snapshot's readers are closed");
        }
        while (readers.size() <= index) {
            readers.add(null);
        }
        R reader = readers.get(index);
        if (reader == null) {
            reader = opener.open();
            readers.set(index, reader);
        }
        return reader;
    }

    /**
     * Runs {@code tasks} (at most {@link #parallelism()}), task {@code i} on reader {@code i}, and returns their
     * results in the same order once all have ended.
     *
     * @param <T> the type of a task's result
     * @param tasks the tasks, at most {@link #parallelism()}, not null
     * @return the results, in task order
     * @throws SQLException the first failure of a read (the others ran to their ends)
     * @throws InterruptedException if the calling thread was interrupted; the reads under way are stopped
     */
    public <T> List<T> run(List<Task<R, T>> tasks) throws SQLException, InterruptedException {
        if (tasks.size() > parallelism) {
            throw new IllegalArgumentException(tasks.size() + " reads, more than the parallelism " + parallelism);
        }
        List<R> used = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            used.add(reader(i));
        }
        List<Future<T>> others = new ArrayList<>(tasks.size());
        for (int i = 1; i < tasks.size(); i++) {
            Task<R, T> task = tasks.get(i);
            R reader = used.get(i);
            others.add(threads().submit(() -> task.run(reader)));
        }
        List<T> results = new ArrayList<>(tasks.size());
        Exception failure = null;
        try {
            results.add(tasks.get(0).run(used.get(0)));
        } catch (SQLException | RuntimeException e) {
            failure = e;
            discard(0);
        } catch (InterruptedException e) {
            others.forEach(f -> f.cancel(true));
            throw e;
        }
        for (int i = 1; i < tasks.size(); i++) {
            try {
                results.add(others.get(i - 1).get());
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause() instanceof Exception cause ? cause
                        : new IllegalStateException(e.getCause());
                discard(i);
            } catch (InterruptedException e) {
                others.forEach(f -> f.cancel(true));
                throw e;
            }
        }
        if (failure instanceof SQLException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof InterruptedException e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return results;
    }

    private synchronized ExecutorService threads() {
        if (threads == null) {
            AtomicInteger count = new AtomicInteger();
            threads = Executors.newFixedThreadPool(parallelism - 1, runnable -> {
                Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return threads;
    }

    /** Closes reader {@code index} after a failed read: the next window opens a new one. */
    private synchronized void discard(int index) {
        R reader = readers.get(index);
        readers.set(index, null);
        closeQuietly(reader);
    }

    /** Closes every reader and stops the threads. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (threads != null) {
            threads.shutdownNow();
            threads = null;
        }
        readers.forEach(ChunkReaders::closeQuietly);
        readers.clear();
    }

    private static void closeQuietly(AutoCloseable reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (Exception e) {
            // a reader that cannot close has nothing more to release
        }
    }
}

package dev.sluice;

import java.time.Duration;
import java.util.List;

/**
 * One open session of a {@link Source}: it delivers changes in order, reports how far it has read, and is told
 * when the pipeline has made a position durable so that it may release log.
 *
 * <h2>Threading</h2>
 * The pipeline calls {@link #head()}, {@link #poll(Duration)}, {@link #position()} and {@link #isFinished()} one at
 * a time, never concurrently: {@code head()} once, before the first poll, and the others from the capture thread.
 * {@link #position()} is called after every poll, so it must be cheap. {@link #backfill(TableId, String)} comes from
 * the capture thread too, between polls. {@link #committed(Offset)} comes from
 * another pipeline thread and may
 * run while a poll is in progress, so it must be safe against {@code poll}: most implementations record the
 * offset and act on it inside their next poll. {@link #close()} is called once, after the capture thread has
 * stopped polling or, when a poll does not return in time during shutdown, while it is blocked, to abort it.
 *
 * <h2>Order and offsets</h2>
 * Events come in source commit order, each with the offset just after it. Nothing is skipped: a change the stream
 * cannot read is an exception, never a gap.
 */
public interface ChangeStream extends AutoCloseable {

    /**
     * The newest position the source has right now (for example the server's current WAL position), which the
     * pipeline treats as the target of {@link Pipeline#runUntilCaughtUp()}: it has caught up once its committed
     * offset {@linkplain Offset#covers(Offset) covers} this one. Called once, before the first poll.
     *
     * @return the current end of the source, or null if there is nothing to capture at all
     */
    Offset head();

    /**
     * Waits up to {@code timeout} for changes and returns the next ones, in order; an empty list when none
     * arrived in time. The pipeline takes ownership of the returned list.
     *
     * @param timeout the longest to wait, not null; zero for no waiting
     * @return the next changes, in order, possibly empty, never null
     * @throws InterruptedException if the capture thread is interrupted (at shutdown)
     * @throws FatalException if the stream can never continue (the slot was dropped, the position was purged)
     * @throws RuntimeException any other failure, which the pipeline recovers from by reopening the stream from
     *     the last committed offset
     */
    List<ChangeEvent> poll(Duration timeout) throws InterruptedException;

    /**
     * How far this stream has read: the offset just after everything it has returned, and possibly further,
     * past changes it read but did not return (changes of tables not captured, keepalives). Committing it once
     * every event returned so far is durable must be safe. The pipeline commits it even when no event carried
     * it, so an idle captured table does not hold back the source's log.
     *
     * @return the position, or null if the stream has read nothing yet
     */
    Offset position();

    /**
     * The snapshot this stream is reading, as of its last poll, or null when it reads none (it streams). Called by
     * the capture thread after every poll, so it must be cheap: keep the counts as the poll reads, and the
     * estimates from when the snapshot began.
     *
     * @return the snapshot's progress, or null when the stream reads no snapshot
     */
    default SnapshotStatus snapshotStatus() {
        return null;
    }

    /**
     * The source's backlog and retention risk as last measured (see {@link SourceHealth}). Unlike the other
     * methods it may be called from any thread at any time, concurrently with {@link #poll}: return a value kept
     * aside, never query the source here. A stream that measures refreshes that value on its own, every few seconds,
     * on a connection of its own (see {@link dev.sluice.capture.HealthProbe}), so a capture thread that is blocked
     * (a full queue, a long snapshot read) does not stop the measurements. The default knows nothing.
     *
     * @return the last measurement, never null; {@link SourceHealth#unknown(String)} if the stream does not measure
     */
    default SourceHealth health() {
        return SourceHealth.unknown("the source does not measure its backlog");
    }

    /**
     * True once the stream will never return another event (for example after a snapshot-only run). Checked
     * after each poll; the pipeline then commits and completes.
     *
     * @return true once no event will ever follow
     */
    default boolean isFinished() {
        return false;
    }

    /**
     * Queues a backfill (see {@link Pipeline#backfill(TableId, String)}): the rows of {@code table} that match
     * {@code condition} (all of them if it is null) are read again and delivered as {@link Op#READ} events,
     * interleaved with the changes, after the backfills and any snapshot already under way. Called by the capture
     * thread between polls. Checks the request first; once it returns, every {@link #position()} records the request
     * (until the backfill is done), so a committed offset keeps it across restarts. The default supports none.
     *
     * @param table the table to read again, not null
     * @param condition an SQL boolean expression over the table's columns in the source's dialect, or null
     * @throws IllegalArgumentException if the request can never be served: the table does not exist, the source
     *     does not capture it, it has no key to read it by, or the database rejects the condition; the message
     *     says which, and the fix
     * @throws IllegalStateException if it cannot be taken now but may be later (a consistent snapshot is being
     *     read); nothing was queued
     * @throws UnsupportedOperationException if this kind of stream cannot backfill
     * @throws RuntimeException any other failure, as for {@link #poll(Duration)}: the pipeline reopens the stream and
     *     asks again
     */
    default void backfill(TableId table, String condition) {
        throw new UnsupportedOperationException("this source cannot backfill a table");
    }

    /**
     * Everything up to and including {@code offset} is durable downstream: the source may release it (advance
     * a replication slot, prune a change table). Never called with an offset this stream did not produce, and
     * with offsets in increasing order. Must not block for long.
     *
     * @param offset an offset this stream returned in an event or as its {@link #position()}, not null
     */
    void committed(Offset offset);

    /** Releases the stream's connections. Idempotent; must not throw for an already broken connection. */
    @Override
    void close();
}

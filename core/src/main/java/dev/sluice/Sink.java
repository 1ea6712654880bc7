package dev.sluice;

import java.util.List;

/**
 * Where changes go: object storage, a database. The pipeline writes batches of events to the sink in order and
 * asks it, at each commit, to make everything written durable.
 *
 * <h2>Lifecycle and threading</h2>
 * The pipeline calls {@link #open(PipelineContext)}, then {@link #write(List)} and {@link #flush()} any number of
 * times, then {@link #close()} — all from one pipeline thread, never concurrently. After a failure it closes the
 * sink and opens it again: a sink must support {@code open} after {@code close}. The pipeline opens the sink only
 * while it holds its offset store's {@linkplain OffsetStore#acquire(String) lease} on the pipeline name (when the
 * pipeline has one), so a sink whose store fences a second writer is never opened by one.
 *
 * <h2>Durability</h2>
 * When {@link #flush()} returns, everything written before it is durable. Only then does the pipeline save the
 * offset of the last event written. What was written after the last flush may be lost when the sink is closed
 * after a failure: the pipeline redelivers it from the committed offset. A sink that does not commit the offset
 * with its data therefore sees events at least once, and should apply them idempotently where it can.
 *
 * <h2>Exactly once</h2>
 * A sink that can commit the offset atomically with its data (a database transaction, a commit record beside the
 * files) implements {@link ExactlyOnceSink}: by its type, not by anything it returns. A pipeline built with one and
 * without an offset store of its own then keeps its offsets in the sink, and no event is applied twice.
 */
public interface Sink {

    /**
     * Prepares the sink for writing. Called before the first write, and again after every {@link #close()} that
     * followed a failure.
     *
     * @param context the pipeline's name, clock and whether offsets are committed with the data; not null
     * @throws FatalException if the sink can never work as configured (no such bucket, access denied)
     */
    void open(PipelineContext context);

    /**
     * Writes events, in order. The list is never empty and belongs to the pipeline: it is only valid during the
     * call (the events themselves are immutable and may be kept).
     *
     * @param events the events, in source order, never empty
     */
    void write(List<ChangeEvent> events);

    /**
     * Makes everything written so far durable; an {@link ExactlyOnceSink} whose pipeline keeps its offsets in it
     * only makes it ready for its {@link ExactlyOnceSink#commit(String, String) commit}.
     */
    void flush();

    /**
     * True when the sink would rather be flushed now than buffer more (a memory budget reached). Checked after
     * each write; the pipeline then commits at once instead of waiting for its commit interval.
     *
     * @return true to ask for a commit now
     */
    default boolean wantsFlush() {
        return false;
    }

    /**
     * Releases resources. Anything written since the last flush may be discarded. Idempotent; called after a
     * failure as well as at shutdown, so it must not throw for an already broken connection.
     */
    void close();
}

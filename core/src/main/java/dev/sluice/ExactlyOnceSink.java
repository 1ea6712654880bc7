package dev.sluice;

import java.util.List;
import java.util.Optional;

/**
 * A sink that commits the pipeline's offset together with its data, in one atomic step: a database transaction
 * that writes the offset row with the rows, a commit record that names the staged files and the offset. A pipeline
 * built with such a sink and no {@link Pipeline.Builder#offsetStore(OffsetStore) offset store} of its own keeps its
 * offsets here, and then no event is applied twice, across crashes and restarts (exactly once).
 *
 * <h2>The two phases</h2>
 * With offsets in the sink ({@link PipelineContext#exactlyOnce()} is true when it is opened), each commit cycle of
 * the pipeline is {@link #flush()}, which prepares what was written (executes it in the open transaction, stages
 * the files) without making it visible, then {@link #commit(String, String)}, which makes it visible together with
 * the offset of the last event written, or not at all. {@link #open(PipelineContext)} discards whatever a crash
 * left prepared but not committed, and the pipeline resumes from {@link #committedOffset(String)}.
 *
 * <h2>Offsets kept elsewhere</h2>
 * A pipeline may still be given another offset store (at least once, and it logs a warning): the sink is then
 * opened with {@link PipelineContext#exactlyOnce()} false, its {@link #flush()} must make the data durable and
 * visible by itself, and {@code commit} is never called. A sink that can tell that the pipeline's offset is
 * committed with its data, while the pipeline now keeps it elsewhere (or the reverse), refuses to open with a
 * {@link FatalException} naming the fix, instead of capturing again or skipping what the other place covered.
 *
 * <h2>Threading</h2>
 * The pipeline calls {@code flush} and {@code commit} from its one sink thread, as it does the other methods.
 * {@link #committedOffset(String)} and {@link #deleteOffset(String)} may be called before the sink is opened and
 * from other threads (tools that reset a pipeline): implementations make them thread-safe.
 */
public interface ExactlyOnceSink extends Sink {

    /**
     * The offset last committed with the data for this pipeline, or empty if none was (or it was
     * {@linkplain #deleteOffset(String) deleted}). Works whether or not the sink is open.
     *
     * @param pipelineName the pipeline's name, not null
     * @return the encoded offset ({@link Offset#encode()}), or empty
     * @throws FatalException if what is stored cannot be trusted (damaged, or the pipeline last ran with its offsets
     *     in another store, so the sink's last offset is stale); the message names the fix
     * @throws RetriableException if the storage cannot be reached
     */
    Optional<String> committedOffset(String pipelineName);

    /**
     * Commits everything {@linkplain #flush() flushed} since the last commit together with this offset, atomically:
     * after it returns, both are durable; after it throws, either both are or neither is. Called by the pipeline
     * right after {@code flush()}, while the sink is open for {@code pipelineName}. A sink that can store the offset
     * alone safely while it is not open (under its writer fence) may do so; otherwise it throws
     * {@link IllegalStateException}.
     *
     * @param pipelineName the pipeline's name, not null
     * @param encodedOffset the offset to commit with the data ({@link Offset#encode()}), not null
     * @throws CommitStateUnknownException if the outcome cannot be known (the commit's answer was lost)
     * @throws RetriableException if the commit failed and may succeed when retried from the last committed offset
     * @throws PipelineAlreadyRunningException if another writer has taken over this pipeline since the sink opened
     */
    void commit(String pipelineName, String encodedOffset);

    /**
     * Forgets the pipeline's committed offset, so that its next run starts afresh (typically with a new snapshot),
     * or may move to another offset store. Call it with the pipeline stopped. The data already written stays.
     *
     * @param pipelineName the pipeline's name, not null; a pipeline without a stored offset is left as it is
     * @throws RetriableException if the storage cannot be reached
     */
    void deleteOffset(String pipelineName);

    /**
     * Leaves a signal for the pipeline beside its committed offset (see {@link OffsetStore#addSignal}): how another
     * process asks a pipeline that keeps its offsets in this sink for a backfill. Works whether or not the sink is
     * open, from any thread.
     *
     * @param pipelineName the pipeline the signal is for
     * @param text the signal, one of the forms the pipeline reads (see {@link Pipeline#requestBackfill})
     * @return the signal's id, unique in this sink for the pipeline
     * @throws UnsupportedOperationException if this sink keeps no signals (the default)
     */
    default String addSignal(String pipelineName, String text) {
        throw new UnsupportedOperationException(this + " keeps no signals: call the pipeline's own methods in its"
                + " process, or give the pipeline a file or JDBC offset store");
    }

    /**
     * The signals left for the pipeline and not yet removed, oldest first (see {@link OffsetStore#signals}). The
     * default keeps none.
     *
     * @param pipelineName the pipeline whose signals to list
     * @return the signals, oldest first; empty if there are none
     */
    default List<OffsetStore.Signal> signals(String pipelineName) {
        return List.of();
    }

    /**
     * Removes a signal, if it is still there. Idempotent. The default does nothing.
     *
     * @param pipelineName the pipeline the signal was for
     * @param id the signal's id
     */
    default void removeSignal(String pipelineName, String id) {
    }
}

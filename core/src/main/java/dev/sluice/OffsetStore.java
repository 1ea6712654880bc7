package dev.sluice;

import java.util.Optional;

/**
 * Keeps each pipeline's committed offset, as text (see {@link Offset#encode()}), under the pipeline's name.
 *
 * <p><b>Durability:</b> once {@link #save(String, String)} returns, {@link #load(String)} returns the saved text,
 * also after the process crashes, unless the store says otherwise (the in-memory store keeps nothing across
 * restarts). A save that fails leaves the previous offset or the new one — never a damaged one; a save whose
 * outcome cannot be known throws {@link CommitStateUnknownException}.
 *
 * <p><b>One writer per pipeline:</b> a pipeline {@linkplain #acquire(String) acquires a lease} on its name before it
 * first opens its sink, holds it while it runs (across reopenings after failures), and closes it once it has
 * stopped and closed the sink. Before each reopening it asks the lease whether it is {@linkplain Lease#isHeld()
 * still held}, and acquires a new one if not. A store that can tell that another process holds the lease refuses
 * it with a {@link PipelineAlreadyRunningException}, so a second process of the same pipeline stops before it
 * touches anything. A store may also fence: a {@code save} by a writer whose
 * lease was lost or taken over throws instead of saving. Stores that cannot do either keep the default, a lease
 * that fences nothing, and must say so in their documentation.
 *
 * <p><b>Threading:</b> implementations are thread-safe. A pipeline calls its store from one thread at a time;
 * different pipelines may share a store as long as their names differ.
 *
 * <p>Implementations here: {@link dev.sluice.offset.InMemoryOffsetStore},
 * {@link dev.sluice.offset.FileOffsetStore}, {@link dev.sluice.offset.JdbcOffsetStore}. A pipeline without one
 * commits its offsets with the data of its {@link ExactlyOnceSink}.
 */
public interface OffsetStore {

    /**
     * The offset last saved for the pipeline, or empty if none was.
     *
     * @throws FatalException if the stored offset is damaged and cannot be trusted; the message names the fix
     */
    Optional<String> load(String pipelineName);

    /** Saves the pipeline's offset, replacing the previous one, durably before returning. */
    void save(String pipelineName, String encodedOffset);

    /** Forgets the pipeline's offset, so that it starts afresh (typically with a new snapshot). */
    void delete(String pipelineName);

    /**
     * Claims the pipeline for the caller until the returned lease is closed: while it is open, another
     * {@code acquire} of the same name, in this process or another, fails. The default fences nothing.
     *
     * @throws PipelineAlreadyRunningException if another holder has the lease; the message names it where known
     * @throws RetriableException if the store cannot be reached to decide
     */
    default Lease acquire(String pipelineName) {
        return Lease.NONE;
    }

    /**
     * A claim on a pipeline name, from {@link #acquire(String)}. Closing it releases the claim; it is idempotent
     * and does not throw. A lease that the store finds lost (its connection died, say) makes the next
     * {@code save} throw a {@link RetriableException}, or a {@link PipelineAlreadyRunningException} if another
     * writer has taken it since.
     */
    interface Lease extends AutoCloseable {

        /** The lease of a store that fences nothing. */
        Lease NONE = () -> { };

        /**
         * False once the store knows the claim is gone (the session holding a database lock ended, say); the
         * pipeline then closes this lease and acquires a new one before it reopens its sink. Cheap; may ask the
         * store's server, briefly. The default: held until closed.
         */
        default boolean isHeld() {
            return true;
        }

        /** Releases the claim. Idempotent; never throws. */
        @Override
        void close();
    }
}

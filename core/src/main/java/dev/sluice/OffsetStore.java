package dev.sluice;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p><b>Signals:</b> a store may also keep a pipeline's signals: short texts that another process leaves for a
 * running pipeline ({@link Pipeline#requestBackfill(OffsetStore, String, TableId, String)}, the CLI's
 * {@code sluice backfill}). The pipeline reads them every few seconds and removes each once it is done with it
 * (acted on and recorded in a committed offset, or refused with a warning). A store that keeps none has the
 * defaults: {@link #addSignal} refuses, {@link #signals} is empty.
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
     * @param pipelineName the pipeline's name, not null
     * @return the encoded offset, or empty
     * @throws FatalException if the stored offset is damaged and cannot be trusted; the message names the fix
     */
    Optional<String> load(String pipelineName);

    /**
     * Saves the pipeline's offset, replacing the previous one, durably before returning.
     *
     * @param pipelineName the pipeline's name, not null
     * @param encodedOffset the offset's text ({@link Offset#encode()}), not null
     */
    void save(String pipelineName, String encodedOffset);

    /**
     * Forgets the pipeline's offset, so that it starts afresh (typically with a new snapshot).
     *
     * @param pipelineName the pipeline's name, not null; a pipeline without a stored offset is left as it is
     */
    void delete(String pipelineName);

    /**
     * Leaves a signal for the pipeline, durably before returning; the pipeline reads it while it runs (or when it
     * next starts).
     *
     * @param pipelineName the pipeline the signal is for, not null
     * @param text the signal, one of the forms the pipeline reads (see {@link Pipeline#requestBackfill})
     * @return the signal's id, unique in this store for the pipeline
     * @throws UnsupportedOperationException if this store keeps no signals (the default); the message names one
     *     that does
     */
    default String addSignal(String pipelineName, String text) {
        throw new UnsupportedOperationException(this + " keeps no signals: use a file or JDBC offset store (or a"
                + " sink's own store) to signal a running pipeline, or call the pipeline's own methods in its process");
    }

    /**
     * The signals left for the pipeline and not yet removed, oldest first. Cheap: the pipeline calls it every few
     * seconds. The default: none.
     *
     * @param pipelineName the pipeline's name, not null
     * @return the signals, oldest first; empty if none, never null
     */
    default List<Signal> signals(String pipelineName) {
        return List.of();
    }

    /**
     * Removes a signal, if it is still there. Idempotent. The default does nothing.
     *
     * @param pipelineName the pipeline's name, not null
     * @param id the signal's id, as {@link Signal#id()} gave it, not null
     */
    default void removeSignal(String pipelineName, String id) {
    }

    /**
     * A signal left for a pipeline: its id in the store and its text.
     *
     * @param id the store's id of the signal; ids sort in the order the signals were added
     * @param text what the signal says
     */
    record Signal(String id, String text) {

        private static final AtomicLong SEQUENCE = new AtomicLong();

        /**
         * Checks that neither part is null.
         *
         * @param id the signal's id, not null
         * @param text the signal's text, not null
         */
        public Signal {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }

        /**
         * A new signal id for a store to use: it sorts after the ids made before it in this JVM, and after those
         * made in other processes more than a millisecond before (by {@code clock}); unique with overwhelming
         * probability. Letters, digits and {@code -} only, 36 characters.
         *
         * @param clock the clock whose milliseconds lead the id, not null
         * @return a new id of 36 characters
         */
        public static String newId(Clock clock) {
            return String.format("%013d-%08x-%013x", clock.millis(), SEQUENCE.incrementAndGet() & 0xffffffffL,
                    ThreadLocalRandom.current().nextLong() >>> 12);
        }
    }

    /**
     * Claims the pipeline for the caller until the returned lease is closed: while it is open, another
     * {@code acquire} of the same name, in this process or another, fails. The default fences nothing.
     *
     * @param pipelineName the pipeline's name, not null
     * @return the lease; close it to release the claim (idempotent)
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
         *
         * @return true while the claim is believed held
         */
        default boolean isHeld() {
            return true;
        }

        /** Releases the claim. Idempotent; never throws. */
        @Override
        void close();
    }
}

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
 * <p><b>Threading:</b> implementations are thread-safe. A pipeline calls its store from one thread at a time;
 * different pipelines may share a store as long as their names differ.
 *
 * <p>Implementations here: {@link dev.sluice.offset.InMemoryOffsetStore},
 * {@link dev.sluice.offset.FileOffsetStore}, {@link dev.sluice.offset.JdbcOffsetStore}; sinks that commit offsets
 * with their data offer their own through {@link Sink#offsetStore()}.
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
}

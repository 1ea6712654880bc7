package dev.sluice;

/**
 * Where changes come from: a configured connection to one database and a capture method. A source is a factory
 * of {@link ChangeStream}s: the pipeline opens one stream at start, and a new one from the last committed offset
 * after every failure.
 *
 * <p>A source is immutable configuration and thread-safe. It holds no connection itself; each stream owns its
 * own. Its {@code toString()} describes it for logs and must mask secrets.
 */
public interface Source {

    /**
     * Opens a stream of the changes after {@code from}, or, when {@code from} is null, from the start the source
     * is configured for (typically an initial snapshot, then the log).
     *
     * <p>Called on a pipeline thread; may block while it connects or prepares (creating a replication slot,
     * say). A failure here is handled like any other: retried with backoff unless it is a {@link FatalException}.
     *
     * @return a new stream, owned by the pipeline, which closes it
     * @param from the last committed offset, as decoded by {@link #decodeOffset(String)}, or null
     * @param context the pipeline's name and clock
     * @throws FatalException if the stream can never be opened as configured (a missing privilege, a log
     *     position the server no longer has, a server setting); the message names the fix
     */
    ChangeStream open(Offset from, PipelineContext context);

    /**
     * Reads an offset this source's offsets {@link Offset#encode() encoded}.
     *
     * @param encoded the text of {@link Offset#encode()} as the offset store keeps it, not null
     * @return the offset, equal to the one encoded
     * @throws IllegalArgumentException if the text is not an offset of this source (written by another kind of
     *     source, or damaged); the message says what was expected. The pipeline turns this into a
     *     {@link FatalException} that names the offset store and the fix.
     */
    Offset decodeOffset(String encoded);
}

package dev.sluice.sink.s3;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link ParquetSink} keeps its files: an S3 bucket and prefix, or a local folder. Keys are relative to that
 * root and use {@code /}. Every write is whole-or-nothing: an object is visible complete or not at all.
 *
 * <p>Failures: a transient fault (connection lost, timeout, throttling after the client's own retries) throws
 * {@link dev.sluice.RetriableException}; a permanent one (no such bucket, access denied) throws
 * {@link dev.sluice.FatalException} naming the fix. Thread-safe.
 */
interface ObjectStore extends AutoCloseable {

    /**
     * Checks that the store can be used (the bucket exists and the credentials work; the folder can be written).
     *
     * @throws dev.sluice.FatalException if it never can, with the fix
     */
    void check();

    /** Stores a local file under {@code key}, whole: a single PUT, a completed multipart upload, or a rename. */
    void upload(Path file, String key);

    /**
     * Stores a small object whole. A failure whose outcome is unknown (the request went out, no answer came)
     * throws {@link dev.sluice.CommitStateUnknownException}.
     */
    void put(String key, byte[] content);

    /**
     * Stores a small object whole, only if no object of that key exists: the commit point that two writers cannot
     * both pass (S3: a PUT with {@code If-None-Match: *}; a folder: a hard link, which fails if the name exists).
     *
     * @return false if the key already held an object (then nothing was written)
     * @throws dev.sluice.CommitStateUnknownException if the outcome is unknown
     */
    boolean create(String key, byte[] content);

    /**
     * Makes this process the only writer of the pipeline in this store until the returned fence is closed, or
     * refuses at once: a local folder holds an OS file lock on {@code _sluice/<pipeline>/writer.lock}; S3 holds a
     * lease object {@code _sluice/<pipeline>/lease.json}, renewed in the background.
     *
     * @param writer this writer's identity, shown to a second writer that is refused
     * @throws dev.sluice.FatalException "pipeline … is already running" if another writer holds it
     */
    WriterFence fence(String pipeline, String writer, Clock clock);

    /** The content of an object, or empty if there is none. */
    Optional<byte[]> get(String key);

    /** The keys under a folder prefix (ending in {@code /}), sorted, recursively. */
    List<String> list(String prefix);

    /**
     * Makes {@code to} hold {@code from}'s content and removes {@code from}. Idempotent, so that a promotion cut
     * short by a crash can be repeated: if {@code from} is gone and {@code to} exists, it does nothing.
     *
     * @throws dev.sluice.FatalException if neither exists (the file was deleted by someone else)
     */
    void promote(String from, String to, long bytes);

    /** Deletes an object; deleting a missing one is no error. */
    void delete(String key);

    /** A local folder to spool open files in, when the store prefers one (the local store: its own disk). */
    Optional<Path> spoolFolder(String pipeline);

    /** Releases connections. Idempotent, never throws. */
    @Override
    void close();
}

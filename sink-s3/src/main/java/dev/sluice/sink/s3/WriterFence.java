package dev.sluice.sink.s3;

/**
 * The hold of one writer on a pipeline in an {@link ObjectStore} (see {@link ObjectStore#fence}). Closing it lets the
 * next writer in at once; a writer that dies without closing it is replaced once the OS drops its file lock (at
 * once) or its S3 lease runs out. The commit records, created only if absent, are the fence that holds even when
 * this one is passed (an expired lease of a writer that is still alive): such a writer stops at its next commit.
 */
interface WriterFence extends AutoCloseable {

    /** Releases the hold. Idempotent, never throws. */
    @Override
    void close();
}

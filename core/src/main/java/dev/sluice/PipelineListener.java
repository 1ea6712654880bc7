package dev.sluice;

import java.time.Duration;

/**
 * Hooks for metrics and monitoring. Every method has an empty default; implement the ones you need. Each call
 * names the pipeline it is about, so one listener can serve several pipelines (and tag its metrics by name).
 *
 * <p>Called on the pipeline's own threads, synchronously, and never while the pipeline holds a lock of its own:
 * return quickly. A listener may call {@link Pipeline#status()}, and {@link Pipeline#close()} (which then only
 * asks the pipeline to stop). Anything a listener throws, an {@link Error} included, is logged and otherwise
 * ignored; it never affects the data. Only a {@link VirtualMachineError} (out of memory, say) is not caught.
 */
public interface PipelineListener {

    /**
     * The pipeline moved from one state to another; {@code cause} is the failure behind the move, or null.
     *
     * @param pipeline the pipeline's name
     * @param from the state before
     * @param to the state now
     * @param cause the failure behind the move, or null
     */
    default void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {}

    /**
     * A batch of events was handed to the sink.
     *
     * @param pipeline the pipeline's name
     * @param events the number of events written
     * @param estimatedBytes their estimated size in bytes ({@link ChangeEvent#estimatedSize()})
     * @param took how long the sink's write took
     */
    default void onBatchWritten(String pipeline, int events, long estimatedBytes, Duration took) {}

    /**
     * A commit cycle completed: everything up to {@code offset} is durable; {@code events} became durable in it.
     *
     * @param pipeline the pipeline's name
     * @param offset the offset now committed
     * @param events the number of events committed in this cycle, 0 or more
     * @param took how long the cycle took (flush, save, acknowledgement)
     */
    default void onCommit(String pipeline, Offset offset, long events, Duration took) {}

    /**
     * A commit cycle completed while the source reads a snapshot: how far it has come (read, which may be ahead of
     * what is committed).
     *
     * @param pipeline the pipeline's name
     * @param status the snapshot's progress, not null
     */
    default void onSnapshotProgress(String pipeline, SnapshotStatus status) {}

    /**
     * A failure closed the source and sink; they are reopened after {@code delay}.
     *
     * @param pipeline the pipeline's name
     * @param cause the failure that closed source and sink
     * @param attempt the number of failures in a row so far, from 1
     * @param delay the wait before reopening
     */
    default void onRecovery(String pipeline, Throwable cause, int attempt, Duration delay) {}
}

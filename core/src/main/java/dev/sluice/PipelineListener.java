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

    /** The pipeline moved from one state to another; {@code cause} is the failure behind the move, or null. */
    default void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {}

    /** A batch of events was handed to the sink. */
    default void onBatchWritten(String pipeline, int events, long estimatedBytes, Duration took) {}

    /** A commit cycle completed: everything up to {@code offset} is durable; {@code events} became durable in it. */
    default void onCommit(String pipeline, Offset offset, long events, Duration took) {}

    /**
     * A commit cycle completed while the source reads a snapshot: how far it has come (read, which may be ahead of
     * what is committed).
     */
    default void onSnapshotProgress(String pipeline, SnapshotStatus status) {}

    /** A failure closed the source and sink; they are reopened after {@code delay}. */
    default void onRecovery(String pipeline, Throwable cause, int attempt, Duration delay) {}
}

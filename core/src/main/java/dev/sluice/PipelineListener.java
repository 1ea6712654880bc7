package dev.sluice;

import java.time.Duration;

/**
 * Hooks for metrics and monitoring. Every method has an empty default; implement the ones you need.
 *
 * <p>Called on the pipeline's own threads, synchronously: return quickly and do not call back into the pipeline
 * except {@link Pipeline#status()}. An exception thrown here is logged and otherwise ignored; it never affects
 * the data.
 */
public interface PipelineListener {

    /** The pipeline moved from one state to another; {@code cause} is the failure behind the move, or null. */
    default void onStateChange(PipelineState from, PipelineState to, Throwable cause) {}

    /** A batch of events was handed to the sink. */
    default void onBatchWritten(int events, long estimatedBytes, Duration took) {}

    /** A commit cycle completed: everything up to {@code offset} is durable; {@code events} became durable in it. */
    default void onCommit(Offset offset, long events, Duration took) {}

    /**
     * A commit cycle completed while the source reads a snapshot: how far it has come (read, which may be ahead of
     * what is committed).
     */
    default void onSnapshotProgress(SnapshotStatus status) {}

    /** A failure closed the source and sink; they are reopened after {@code delay}. */
    default void onRecovery(Throwable cause, int attempt, Duration delay) {}
}

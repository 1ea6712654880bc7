package dev.sluice;

/** Where a {@link Pipeline} is in its life. */
public enum PipelineState {
    /** Built, not started. */
    NEW,
    /** Opening its source and sink, or capturing and writing. */
    RUNNING,
    /** A failure closed the source and sink; waiting out a backoff before reopening them. */
    RECOVERING,
    /** {@link Pipeline#close()} was called, or a catch-up run reached its target: flushing and committing. */
    CLOSING,
    /** Stopped after a close, having committed what it flushed. Terminal. */
    CLOSED,
    /** Stopped because the source has nothing more to deliver (a snapshot-only run), after a final commit. Terminal. */
    COMPLETED,
    /** Stopped by a fatal error or by running out of retries; {@link PipelineStatus#failure()} says why. Terminal. */
    FAILED;

    /** True for the states a pipeline never leaves. */
    public boolean isTerminal() {
        return this == CLOSED || this == COMPLETED || this == FAILED;
    }
}

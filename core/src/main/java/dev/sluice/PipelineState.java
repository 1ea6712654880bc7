package dev.sluice;

import java.time.Duration;

/** Where a {@link Pipeline} is in its life. */
public enum PipelineState {
    /** Built, not started. */
    NEW,
    /**
     * Started, opening its source and sink for the first time (connecting, creating a slot, checking the server);
     * {@link #RUNNING} once both are open. Failures while starting are retried like any other, up to the
     * pipeline's {@linkplain Pipeline.Builder#startTimeout(Duration) start timeout}.
     */
    STARTING,
    /**
     * Source and sink open: capturing and writing. While the source reads a snapshot,
     * {@link PipelineStatus#snapshot()} says how far it has come.
     */
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

    /**
     * True for the states a pipeline never leaves.
     *
     * @return true for a terminal state
     */
    public boolean isTerminal() {
        return this == CLOSED || this == COMPLETED || this == FAILED;
    }
}

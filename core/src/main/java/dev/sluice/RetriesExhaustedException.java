package dev.sluice;

/**
 * The pipeline stopped because retriable failures went on longer than its {@link RetryPolicy} allows (too many
 * failures in a row, or failing for too long without a commit). The cause is the last failure. Unlike other
 * {@link FatalException}s, nothing is known to be wrong with the configuration: starting the pipeline again once
 * the outage is over resumes from the last committed offset.
 */
public class RetriesExhaustedException extends FatalException {
    private static final long serialVersionUID = 1L;

    /**
     * The retry policy gave up.
     *
     * @param message how long or how often it failed, and what to do; not null
     * @param cause the last failure
     */
    public RetriesExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}

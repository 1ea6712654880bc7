package dev.sluice;

/**
 * A failure that may go away by itself: a lost connection, a timeout, a deadlock, a throttled request. The
 * pipeline closes its stream and sink and reopens both from the last committed offset, with backoff.
 */
public class RetriableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure that may pass; the pipeline reopens and retries.
     *
     * @param message what failed; not null
     */
    public RetriableException(String message) {
        super(message);
    }

    /**
     * A failure that may pass, caused by another; the pipeline reopens and retries.
     *
     * @param message what failed; not null
     * @param cause the underlying failure, or null
     */
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.sluice;

/**
 * A failure that may go away by itself: a lost connection, a timeout, a deadlock, a throttled request. The
 * pipeline closes its stream and sink and reopens both from the last committed offset, with backoff.
 */
public class RetriableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}

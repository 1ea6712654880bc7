package dev.sluice;

/**
 * The root of Sluice's exceptions. Unchecked. Subclasses say how a pipeline treats the failure:
 * {@link RetriableException} and {@link CommitStateUnknownException} are recovered from,
 * {@link FatalException} stops the pipeline. An exception of no Sluice type is treated as retriable.
 *
 * <p>Messages say what happened and what to do about it.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A Sluice failure, treated as retriable (prefer a subclass that says how to treat it).
     *
     * @param message what happened and what to do; not null
     */
    public SluiceException(String message) {
        super(message);
    }

    /**
     * A Sluice failure caused by another, treated as retriable (prefer a subclass that says how to treat it).
     *
     * @param message what happened and what to do; not null
     * @param cause the underlying failure, or null
     */
    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}

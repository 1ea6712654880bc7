package dev.sluice;

/**
 * A write or commit may or may not have taken effect: the request was sent, the answer was lost. Neither outcome
 * may be assumed. The pipeline recovers as from a {@link RetriableException}: it reloads the committed offset
 * from its store, which tells which outcome happened, and resumes from there.
 */
public class CommitStateUnknownException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * A commit whose outcome is unknown.
     *
     * @param message what was being committed and what to do; not null
     * @param cause the failure that hid the outcome, or null
     */
    public CommitStateUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.sluice;

/**
 * A failure that retrying cannot fix: bad configuration, a missing privilege, a server setting, a log position
 * the server no longer has, a damaged stored offset. The pipeline stops, reports this exception as its cause, and
 * does not retry. The message names the fix.
 */
public class FatalException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure that retrying cannot fix.
     *
     * @param message what went wrong and the fix; not null
     */
    public FatalException(String message) {
        super(message);
    }

    /**
     * A failure that retrying cannot fix, caused by another.
     *
     * @param message what went wrong and the fix; not null
     * @param cause the underlying failure, or null
     */
    public FatalException(String message, Throwable cause) {
        super(message, cause);
    }
}

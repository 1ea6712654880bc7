package dev.sluice;

/**
 * Another process (or another pipeline object in this one) holds the pipeline: its {@link OffsetStore} refused to
 * {@linkplain OffsetStore#acquire(String) grant the lease}, or a save found that another writer took it over. The
 * pipeline stops before it touches the sink's data. The message says who holds it where the store knows.
 */
public class PipelineAlreadyRunningException extends FatalException {
    private static final long serialVersionUID = 1L;

    /**
     * The pipeline is held by another process or object.
     *
     * @param message who holds it where known, and what to do; not null
     */
    public PipelineAlreadyRunningException(String message) {
        super(message);
    }

    /**
     * The pipeline is held by another process or object, as a failure found.
     *
     * @param message who holds it where known, and what to do; not null
     * @param cause the failure that showed it, or null
     */
    public PipelineAlreadyRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}

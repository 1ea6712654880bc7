package dev.sluice;

/**
 * Another process (or another pipeline object in this one) holds the pipeline: its {@link OffsetStore} refused to
 * {@linkplain OffsetStore#acquire(String) grant the lease}, or a save found that another writer took it over. The
 * pipeline stops before it touches the sink's data. The message says who holds it where the store knows.
 */
public class PipelineAlreadyRunningException extends FatalException {
    private static final long serialVersionUID = 1L;

    public PipelineAlreadyRunningException(String message) {
        super(message);
    }

    public PipelineAlreadyRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}

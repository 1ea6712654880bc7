package dev.sluice;

import org.slf4j.MDC;

/**
 * The SLF4J {@link MDC} keys Sluice sets on its log lines, for log formats and filters (logback's
 * {@code %X{sluice.pipeline}}, log4j2's {@code %X{sluice.table}}, or a JSON encoder's MDC fields):
 *
 * <ul>
 *   <li>{@value #PIPELINE}: the pipeline's name, on every thread of a running pipeline (capture, sink, the source's
 *       helper threads), so every line its source and sink log says whose it is;</li>
 *   <li>{@value #TABLE}: the table ({@code namespace.name}) a line is about, while a sink or source works on one
 *       table: creating or altering a sink table, applying a table's changes, reading a table again.</li>
 * </ul>
 *
 * <p>Source and sink authors set the table around their work on one table:
 *
 * <pre>{@code
 * LogContext.Scope scope = LogContext.table(event.table());
 * try {
 *     // create, alter or write the table; every log line here carries sluice.table
 * } finally {
 *     scope.close();
 * }
 * }</pre>
 *
 * <p>Thread-confined, as the MDC is.
 */
public final class LogContext {

    /** The MDC key with the pipeline's name. */
    public static final String PIPELINE = "sluice.pipeline";
    /** The MDC key with the table ({@code namespace.name}) a log line is about. */
    public static final String TABLE = "sluice.table";

    private LogContext() {}

    /**
     * Sets {@value #TABLE} to {@code table} on this thread until the returned scope is closed, which restores the
     * value before (so scopes nest).
     *
     * @param table the table the thread now works on, or null to remove the key within the scope
     * @return the scope to close (try-with-resources) on the same thread
     */
    public static Scope table(TableId table) {
        return new Scope(TABLE, table == null ? null : table.toString());
    }

    /**
     * Sets {@value #PIPELINE} on this thread until the scope is closed, which restores the value before.
     *
     * @param name the pipeline's name, or null to remove the key within the scope
     * @return the scope to close (try-with-resources) on the same thread
     */
    public static Scope pipeline(String name) {
        return new Scope(PIPELINE, name);
    }

    /** An MDC value set until {@link #close()}, which restores the one before. Closing twice does nothing. */
    public static final class Scope implements AutoCloseable {
        private final String key;
        private final String previous;
        private boolean closed;

        private Scope(String key, String value) {
            this.key = key;
            this.previous = MDC.get(key);
            put(key, value);
        }

        /** Restores the value the key had before this scope. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                put(key, previous);
            }
        }

        private static void put(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}

package dev.sluice.source.mysql;

import java.text.MessageFormat;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what mysql-binlog-connector-java logs through {@code java.util.logging} to SLF4J, like the rest of Sluice,
 * instead of the JVM's console handler: only its own logger ({@value #LIBRARY}) is redirected, so the application's
 * other java.util.logging configuration is left alone. Installed once, on first use of a binlog connection.
 */
final class JulToSlf4j extends Handler {

    static final String LIBRARY = "com.github.shyiko.mysql.binlog";
    /** Held: java.util.logging keeps loggers only weakly, and a collected logger loses its handler. */
    private static final Logger ROOT = Logger.getLogger(LIBRARY);

    static {
        ROOT.setUseParentHandlers(false);
        ROOT.addHandler(new JulToSlf4j());
    }

    private JulToSlf4j() {}

    /** Makes sure the redirection is in place (the class's initialisation does it). */
    static void install() {
        // nothing: loading the class installed the handler
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        var log = LoggerFactory.getLogger(record.getLoggerName() == null ? LIBRARY : record.getLoggerName());
        String message = record.getMessage();
        if (message != null && record.getParameters() != null && record.getParameters().length > 0) {
            message = MessageFormat.format(message, record.getParameters());
        }
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(message, record.getThrown());
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(message, record.getThrown());
        } else if (level >= Level.INFO.intValue()) {
            log.info(message, record.getThrown());
        } else if (level >= Level.FINE.intValue()) {
            log.debug(message, record.getThrown());
        } else {
            log.trace(message, record.getThrown());
        }
    }

    @Override
    public void flush() {
        // SLF4J's backends flush on their own
    }

    @Override
    public void close() {
        // nothing held
    }
}

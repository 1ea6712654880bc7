package dev.sluice.sink.jdbc;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Turns a database error into a Sluice exception: retriable for lost connections and conflicts, fatal with a fix. */
final class Errors {

    private Errors() {}

    static SluiceException classify(String action, SQLException e) {
        if (isMissingDriver(e)) {
            return missingDriver(null, e);
        }
        String message = "the JDBC sink could not " + action + ": " + describe(e);
        String state = state(e);
        int code = e.getErrorCode();
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException
                || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.startsWith("57") || state.startsWith("HYT") || state.equals("70100")
                || code == 1205 || code == 1213 || code == 1927 || code == 2006 || code == 2013) {
            return new RetriableException(message + ". The pipeline reconnects and resumes from its last commit.", e);
        }
        if (state.startsWith("28")) {
            return new FatalException(message + ". Fix: check the sink's database user and password.", e);
        }
        if (state.startsWith("42")) {
            return new FatalException(message + ". Fix: check that the sink's user may create, alter and write the"
                    + " target tables, and that an existing target table has the key and columns the events need.",
                    e);
        }
        if (state.startsWith("54")) {
            // a limit of the database (PostgreSQL's program_limit_exceeded): trying again never helps
            return new FatalException(message + ". A value or row exceeds a limit of the target database: fix the"
                    + " source data or the target table, then restart the pipeline; nothing was skipped.", e);
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return new FatalException(message + ". The target table refuses the value: fix the target column's"
                    + " type or constraint (or the source data), then restart the pipeline; nothing was skipped.", e);
        }
        return new RetriableException(message, e);
    }

    /** True if no JDBC driver on the class path takes the URL: no retry can help. */
    static boolean isMissingDriver(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t.getMessage();
            if (text != null && (text.contains("No suitable driver") || text.contains("Failed to get driver"))) {
                return true;
            }
        }
        return false;
    }

    static FatalException missingDriver(String jdbcUrl, Throwable e) {
        return new FatalException("no JDBC driver on the class path takes the sink's URL"
                + (jdbcUrl == null ? "" : " " + Connections.mask(jdbcUrl)) + ": " + e.getMessage() + ". Fix: use a"
                + " jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL (the sink brings the PostgreSQL and MariaDB"
                + " drivers); with a data source of your own, add its driver to the application.", e);
    }

    /** The message of the exception and of the chained one that says what really failed (pgjdbc batches). */
    static String describe(SQLException e) {
        String text = e.getMessage();
        SQLException next = e.getNextException();
        if (next != null && next.getMessage() != null && !next.getMessage().equals(text)) {
            text = text + " (" + next.getMessage() + ")";
        }
        return text + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]");
    }

    /** The SQLState that says what failed: of the chained exception where the outer one has none (batches). */
    static String state(SQLException e) {
        SQLException next = e.getNextException();
        String state = e.getSQLState();
        if ((state == null || state.isEmpty() || state.equals("HY000")) && next != null && next.getSQLState() != null) {
            state = next.getSQLState();
        }
        return state == null ? "" : state;
    }
}

package dev.sluice.capture;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLSyntaxErrorException;

/** Turns JDBC failures into the engine's retriable or fatal exceptions. Stateless. */
final class Sql {

    private Sql() {}

    /**
     * A fatal failure for what retrying cannot fix (a missing privilege, table or column, bad credentials), a
     * retriable one for everything else (lost connections, timeouts, deadlocks, a server restarting).
     */
    static SluiceException failure(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean fatal = e instanceof SQLSyntaxErrorException
                || e instanceof SQLInvalidAuthorizationSpecException
                || state.startsWith("42") // syntax errors, undefined objects, insufficient privilege
                || state.startsWith("28"); // invalid authorization
        String message = doing + " failed: " + e.getMessage() + " (SQLState " + state + ")";
        if (fatal) {
            return new FatalException(message + ". Check the privileges and objects named in docs/capture.md "
                    + "(SELECT on the captured tables; for trigger capture, install() first)", e);
        }
        return new RetriableException(message, e);
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing a broken connection: nothing left to release
        }
    }

    static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}

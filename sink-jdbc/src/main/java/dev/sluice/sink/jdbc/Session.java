package dev.sluice.sink.jdbc;

import dev.sluice.ChangeEvent;
import dev.sluice.CommitStateUnknownException;
import dev.sluice.LogContext;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.TableId;
import dev.sluice.offset.JdbcOffsetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One open sink: one connection and its open transaction, from {@code open} to {@code close}. Changes are executed
 * as they are written; the transaction commits at {@code flush} (at-least-once) or with the offset (exactly-once).
 * Confined to the pipeline's sink thread.
 */
final class Session {

    private final Connection connection;
    private final SqlDialect dialect;
    private final JdbcSink.Settings settings;
    private final JdbcOffsetStore offsets;
    /** Held from open to close on this connection: one writer per pipeline. */
    private final WriterLock lock;
    /** The pipeline whose offset commits with the data, or null when the pipeline keeps its offset elsewhere. */
    private final String exactlyOncePipeline;
    private final Tables tables;
    private final Map<TableId, TableState> states = new HashMap<>();
    private final Map<TableId, PendingChanges> pending = new LinkedHashMap<>();
    private Offset lastWritten;
    private boolean uncommitted;
    /** What the connection had before the sink set it up: it may be the application's, from its own pool. */
    private final boolean autoCommitBefore;
    private final List<String> restoreSettings;

    Session(Connection connection, SqlDialect dialect, JdbcSink.Settings settings, JdbcOffsetStore offsets,
            WriterLock lock, String exactlyOncePipeline) throws SQLException {
        this.connection = connection;
        this.lock = lock;
        this.dialect = dialect;
        this.settings = settings;
        this.offsets = offsets;
        this.exactlyOncePipeline = exactlyOncePipeline;
        this.autoCommitBefore = connection.getAutoCommit();
        connection.setAutoCommit(false);
        this.restoreSettings = dialect.prepareSession(connection);
        connection.commit();
        lock.acquire(connection); // before anything is written: a second writer of the pipeline stops here
        this.tables = new Tables(connection, dialect, settings, this::beforeDdl);
    }

    boolean exactlyOnceFor(String pipeline) {
        return pipeline.equals(exactlyOncePipeline);
    }

    void write(List<ChangeEvent> events) throws SQLException {
        // the MDC names the table while its DDL and changes are applied; set when the table changes, not per event
        LogContext.Scope scope = null;
        TableId scoped = null;
        try {
            for (ChangeEvent event : events) {
                TableId table = event.table();
                if (!table.equals(scoped)) {
                    if (scope != null) {
                        scope.close();
                    }
                    scope = LogContext.table(table);
                    scoped = table;
                }
                write(event, table);
            }
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
        for (Map.Entry<TableId, PendingChanges> changes : pending.entrySet()) {
            LogContext.Scope tableScope = LogContext.table(changes.getKey());
            try {
                changes.getValue().apply(connection);
            } finally {
                tableScope.close();
            }
        }
        pending.clear();
    }

    private void write(ChangeEvent event, TableId table) throws SQLException {
        TableState state = states.get(table);
        if (state == null || state.schema != event.schema() && !state.schema.equals(event.schema())) {
            applyPending(table); // changes under the old schema go first
            state = tables.resolve(event, state);
            states.put(table, state);
        }
        if (event.op() == Op.TRUNCATE) {
            pending.remove(table); // the truncate removes them anyway
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate(state.deleteAll());
            }
        } else {
            TableState current = state;
            PendingChanges changes = pending.get(table);
            if (changes == null) {
                changes = new PendingChanges(current, dialect, settings.batchSize(), settings.batchBytes());
                pending.put(table, changes);
            }
            if (changes.needsTargetRow(event)) {
                // a key change that leaves columns out: the changes before it go first, so that the row it
                // copies from the old key is the one the source had at that point
                changes.apply(connection);
                changes.copyRow(connection, event);
            }
            changes.add(event);
        }
        lastWritten = event.offset();
        uncommitted = true;
    }

    private void applyPending(TableId table) throws SQLException {
        PendingChanges changes = pending.remove(table);
        if (changes != null) {
            changes.apply(connection);
        }
    }

    /**
     * Before DDL on a database that commits implicitly at DDL (MySQL, MariaDB): apply what is pending and commit it
     * now, with the offset of the last event applied when the offset commits with the data, so that data and offset
     * still commit together.
     */
    private void beforeDdl() throws SQLException {
        if (dialect.transactionalDdl()) {
            return;
        }
        for (PendingChanges changes : pending.values()) {
            changes.apply(connection);
        }
        pending.clear();
        if (uncommitted && exactlyOncePipeline != null && lastWritten != null) {
            offsets.save(connection, exactlyOncePipeline, lastWritten.encode());
        }
        commit("the changes before a table change");
    }

    /** At-least-once: commits the data. Exactly-once: nothing, the offset store's save commits. */
    void flush() {
        if (exactlyOncePipeline == null) {
            commit("the written changes");
        }
    }

    /** Writes the offset in the open transaction and commits data and offset together. */
    void commitWith(String pipeline, String offset) throws SQLException {
        offsets.save(connection, pipeline, offset);
        commit("the written changes with the offset " + offset);
    }

    private void commit(String what) {
        try {
            connection.commit();
            uncommitted = false;
        } catch (SQLException e) {
            throw new CommitStateUnknownException("committing " + what + " failed, so it may or may not have"
                    + " landed: " + Errors.describe(e) + ". The pipeline resumes from the offset the database"
                    + " holds, which tells.", e);
        }
    }

    /** Rolls back whatever is not committed and returns the connection. Never throws. */
    void close() {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
                lock.release(connection); // a pooled connection must not keep it; a lost one has lost it already
                try (Statement statement = connection.createStatement()) {
                    for (String sql : restoreSettings) {
                        statement.execute(sql);
                    }
                }
                connection.commit();
                connection.setAutoCommit(autoCommitBefore);
            }
        } catch (SQLException | RuntimeException e) {
            // a broken connection rolls back on the server by itself
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // nothing more to release
        }
    }
}

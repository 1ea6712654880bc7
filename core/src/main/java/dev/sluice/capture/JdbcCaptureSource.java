package dev.sluice.capture;

import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.Schema;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Source} that captures changes over plain JDBC, by {@link Capture#TIMESTAMP timestamp polling} or from
 * a {@link Capture#TRIGGER trigger-fed change table}, for any database a {@link CaptureDialect} describes.
 *
 * <pre>{@code
 * Source source = JdbcCaptureSource.builder(dialect)
 *         .connections(dataSource)
 *         .tables(TableFilter.include("shop.*"))
 *         .mode(Capture.TIMESTAMP)
 *         .timestampColumn("updated_at")
 *         .softDeleteColumn("deleted_at")
 *         .build();
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <b>Timestamp</b>: each table is read in (timestamp, key) order, strictly after its cursor and strictly below a
 * {@linkplain CaptureDialect#watermark watermark} that no open transaction can still write below, so rows
 * committed late with an older timestamp, and many rows sharing one timestamp, are neither missed nor repeated.
 * Deletes are not seen unless a {@linkplain Builder#softDeleteColumn soft-delete column} marks them; every row is
 * emitted as an {@code UPDATE} (an upsert: polling cannot tell an insert from an update) or, when soft-deleted, a
 * {@code DELETE}. <b>Trigger</b>: changes are read in change-table sequence order, only up to a sequence value
 * below which every transaction has ended, and deleted from the change table only once
 * {@link ChangeStream#committed(Offset) committed}. What no trigger records stops the stream with a
 * {@link FatalException} naming the fix: a chosen table that holds rows but has no triggers, and a table replaced
 * under its name (on MySQL/MariaDB also truncated, which fires no trigger); see {@code TableWatch}. Both methods
 * read the table list again every second, so tables created under the filter are captured while the stream runs.
 * <b>Column changes</b> (both): the offset remembers each table's columns as the targets have them; a table whose
 * columns changed (renamed, added, retyped, dropped, another key: values of rows no later change mentions may
 * differ) is read again, after a {@code TRUNCATE} event, or stops the stream ({@link Builder#schemaChanges}).
 *
 * <p>Immutable and thread-safe; each stream opens one connection of its own. {@code toString()} shows no secrets.
 */
public final class JdbcCaptureSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcCaptureSource.class);

    /** Opens a connection; for callers that have no {@link DataSource}. */
    @FunctionalInterface
    public interface ConnectionFactory {
        /**
         * A new connection, which the caller closes.
         *
         * @return an open connection
         * @throws SQLException if no connection can be made
         */
        Connection open() throws SQLException;
    }

    final CaptureDialect dialect;
    final ConnectionFactory connections;
    final String connectionsDescription;
    final TableFilter tables;
    final Capture mode;
    final String timestampColumn;
    final String softDeleteColumn;
    final TableId changeTableName;
    final Duration pollInterval;
    final int batchSize;
    final Duration clockSkewMargin;
    final Duration safetyWindow;
    final SchemaChanges schemaChanges;
    final boolean initialLoad;

    private JdbcCaptureSource(Builder b) {
        this.dialect = b.dialect;
        this.connections = b.connections;
        this.connectionsDescription = b.connectionsDescription;
        this.tables = b.tables;
        this.mode = b.mode;
        this.timestampColumn = b.timestampColumn;
        this.softDeleteColumn = b.softDeleteColumn;
        this.changeTableName = b.changeTable;
        this.pollInterval = b.pollInterval;
        this.batchSize = b.batchSize;
        this.clockSkewMargin = b.clockSkewMargin;
        this.safetyWindow = b.safetyWindow;
        this.schemaChanges = b.schemaChanges;
        this.initialLoad = b.initialLoad;
    }

    /**
     * A builder for a source of the database {@code dialect} describes.
     *
     * @param dialect the database's dialect, not null
     * @return a new builder; not thread-safe
     */
    public static Builder builder(CaptureDialect dialect) {
        return new Builder(dialect);
    }

    /**
     * How this source captures.
     *
     * @return {@link Capture#TIMESTAMP} or {@link Capture#TRIGGER}
     */
    public Capture mode() {
        return mode;
    }

    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        Connection connection = connect();
        try {
            return mode == Capture.TIMESTAMP
                    ? TimestampStream.open(this, connection, (TimestampOffset) from, context)
                    : TriggerStream.open(this, connection, (TriggerOffset) from, context);
        } catch (RuntimeException | Error e) {
            Sql.closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public Offset decodeOffset(String encoded) {
        return mode == Capture.TIMESTAMP ? TimestampOffset.decode(encoded) : TriggerOffset.decode(encoded);
    }

    private void requireTriggerMode() {
        if (mode != Capture.TRIGGER) {
            throw new IllegalStateException("triggers belong to trigger capture: build the source with"
                    + " capture(Capture.TRIGGER)");
        }
    }

    /**
     * Installs trigger capture: creates the change table (if missing) and the triggers on every table the filter
     * chooses (replacing existing ones, so running it again after altering a table refreshes them). Needs the
     * right to create tables and triggers on those tables. Idempotent.
     *
     * @return the tables that now have triggers
     * @throws FatalException if no table matches, or the database refuses (the message names the fix)
     * @throws IllegalStateException unless this source captures by triggers
     */
    public List<TableId> install() {
        requireTriggerMode();
        try (Connection connection = connect()) {
            ChangeTable changeTable = changeTable(connection);
            execute(connection, dialect.createChangeTable(changeTable));
            List<TableId> installed = new ArrayList<>();
            for (TableId table : capturedTables(connection, changeTable)) {
                Schema schema = dialect.schema(connection, table);
                execute(connection, dialect.createTriggers(changeTable, table, schema));
                installed.add(table);
            }
            LOG.info("installed trigger capture into {} on {}", changeTable.table(), installed);
            return installed;
        } catch (SQLException e) {
            throw Sql.failure("installing trigger capture", e);
        }
    }

    /**
     * Removes trigger capture: drops the triggers of every table the filter chooses, then the change table with
     * whatever changes it still holds. Idempotent.
     *
     * @return the tables whose triggers were dropped
     * @throws IllegalStateException unless this source captures by triggers
     */
    public List<TableId> uninstall() {
        requireTriggerMode();
        try (Connection connection = connect()) {
            ChangeTable changeTable = changeTable(connection);
            List<TableId> removed = new ArrayList<>();
            for (TableId table : capturedTables(connection, changeTable)) {
                execute(connection, dialect.dropTriggers(changeTable, table));
                removed.add(table);
            }
            execute(connection, dialect.dropChangeTable(changeTable));
            LOG.info("removed trigger capture from {} and dropped {}", removed, changeTable.table());
            return removed;
        } catch (SQLException e) {
            throw Sql.failure("removing trigger capture", e);
        }
    }

    ChangeTable changeTable(Connection connection) throws SQLException {
        return changeTableName != null ? new ChangeTable(changeTableName) : dialect.defaultChangeTable(connection);
    }

    /** The change table if there can be one here (timestamp capture only needs it to leave it out), or null. */
    ChangeTable changeTableIfAny(Connection connection) {
        try {
            return changeTable(connection);
        } catch (SQLException e) {
            return null;
        }
    }

    /** The captured tables: those the filter chooses, never the change table. */
    List<TableId> capturedTables(Connection connection, ChangeTable changeTable) throws SQLException {
        List<TableId> chosen = new ArrayList<>();
        for (TableId table : dialect.tables(connection, tables)) {
            if (changeTable == null || !changeTable.is(table)) {
                chosen.add(table);
            }
        }
        if (chosen.isEmpty()) {
            throw new FatalException("no " + dialect.product() + " table matches " + tables + " (or this user "
                    + "cannot see it): check the table filter, and grant SELECT on the tables to capture");
        }
        return chosen;
    }

    Connection connect() {
        try {
            Connection connection = connections.open();
            try {
                connection.setAutoCommit(true);
                dialect.prepare(connection);
            } catch (SQLException | RuntimeException e) {
                Sql.closeQuietly(connection);
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw Sql.failure("connecting to " + dialect.product() + " (" + connectionsDescription + ")", e);
        }
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                try {
                    statement.execute(sql);
                } catch (SQLException e) {
                    throw new SQLException(e.getMessage() + " [in: " + sql + "]", e.getSQLState(), e.getErrorCode(),
                            e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcCaptureSource[" + dialect.product() + " " + mode + " via " + connectionsDescription + ", "
                + tables + (mode == Capture.TIMESTAMP ? ", timestamp column " + timestampColumn : "")
                + (softDeleteColumn == null ? "" : ", soft-delete column " + softDeleteColumn) + "]";
    }

    /**
     * Configures a {@link JdbcCaptureSource}. Each setter checks its value at once and names a bad one. Not
     * thread-safe.
     */
    public static final class Builder {
        private final CaptureDialect dialect;
        private ConnectionFactory connections;
        private String connectionsDescription;
        private TableFilter tables = TableFilter.all();
        private Capture mode = Capture.TIMESTAMP;
        private String timestampColumn;
        private String softDeleteColumn;
        private TableId changeTable;
        private Duration pollInterval = Duration.ofSeconds(1);
        private int batchSize = 1000;
        private Duration clockSkewMargin = Duration.ofSeconds(1);
        private Duration safetyWindow = Duration.ofMinutes(5);
        private SchemaChanges schemaChanges = SchemaChanges.REREAD;
        private boolean initialLoad;

        private Builder(CaptureDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
        }

        /**
         * Required (or {@link #connections(ConnectionFactory, String)}): where connections come from.
         *
         * @param dataSource the data source, not null; the source takes connections and closes them, never the data
         *     source
         * @return this builder
         */
        public Builder connections(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            this.connections = dataSource::getConnection;
            // a DataSource's toString() may show a URL with a password: describe it by class only
            this.connectionsDescription = dataSource.getClass().getSimpleName();
            return this;
        }

        /**
         * Required (or {@link #connections(DataSource)}): where connections come from.
         *
         * @param factory opens new connections, not null
         * @return this builder
         * @param description how to name the connections in messages and logs; must not contain a secret
         */
        public Builder connections(ConnectionFactory factory, String description) {
            this.connections = Objects.requireNonNull(factory, "factory");
            this.connectionsDescription = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * The tables to capture; every table the user can see by default.
         *
         * @param tables the filter, not null
         * @return this builder
         */
        public Builder tables(TableFilter tables) {
            this.tables = Objects.requireNonNull(tables, "tables");
            return this;
        }

        /**
         * {@link Capture#TIMESTAMP} (the default) or {@link Capture#TRIGGER}.
         *
         * @param mode the capture method, not null
         * @return this builder
         * @throws IllegalArgumentException for {@link Capture#LOG}, which the database's own source provides
         */
        public Builder mode(Capture mode) {
            Objects.requireNonNull(mode, "mode");
            if (mode == Capture.LOG) {
                throw new IllegalArgumentException("JdbcCaptureSource captures by TIMESTAMP or TRIGGER, not LOG: "
                        + "for log capture build the database's own source (PostgresSource, MySqlSource)");
            }
            this.mode = mode;
            return this;
        }

        /**
         * Timestamp capture: the column every captured table sets to the current time on each insert and update
         * (a {@code timestamptz}/{@code timestamp} on PostgreSQL, {@code TIMESTAMP}/{@code DATETIME} on MySQL).
         * Required in timestamp mode. Matched exactly, case included.
         *
         * @param column the column's name, not null
         * @return this builder
         */
        public Builder timestampColumn(String column) {
            this.timestampColumn = checkName(column, "timestampColumn");
            return this;
        }

        /**
         * Timestamp capture: a column that marks a row deleted when it is set (not null, and not {@code false}):
         * such a row becomes a {@code DELETE} event. Optional; without it deletes are not captured at all.
         *
         * @param column the column's name, not null
         * @return this builder
         */
        public Builder softDeleteColumn(String column) {
            this.softDeleteColumn = checkName(column, "softDeleteColumn");
            return this;
        }

        /**
         * Trigger capture: where the change table lives; by default the dialect's {@link ChangeTable#DEFAULT_NAME}.
         *
         * @param table the change table's namespace and name, not null
         * @return this builder
         */
        public Builder changeTable(TableId table) {
            this.changeTable = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * How long to wait between polls once everything available was read; 1 second by default.
         *
         * @param interval the pause, positive, not null
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = checkPositive(interval, "pollInterval");
            return this;
        }

        /**
         * The most rows read per table (timestamp) or from the change table (trigger) in one query; 1000 by
         * default.
         *
         * @param rows rows per query, 1 to 1000000
         * @return this builder
         */
        public Builder batchSize(int rows) {
            if (rows < 1 || rows > 1_000_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 1000000, was " + rows);
            }
            this.batchSize = rows;
            return this;
        }

        /**
         * Timestamp capture: how far behind the oldest open transaction the watermark stays, to absorb the gap
         * between a transaction's start and the timestamps it writes (an application that sets the column from its
         * own clock, a clock behind the database's). 1 second by default; zero is allowed.
         *
         * @param margin the margin, zero or more, not null
         * @return this builder
         */
        public Builder clockSkewMargin(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("clockSkewMargin must not be negative, was " + margin);
            }
            this.clockSkewMargin = margin;
            return this;
        }

        /**
         * How far behind now capture stays when the database does not show this user every open transaction
         * (PostgreSQL without {@code pg_read_all_stats} while other users write, MySQL without {@code PROCESS}): a
         * transaction open longer than this may then be missed. 5 minutes by default.
         *
         * @param window the window, positive, not null
         * @return this builder
         */
        public Builder safetyWindow(Duration window) {
            this.safetyWindow = checkPositive(window, "safetyWindow");
            return this;
        }

        /**
         * Trigger capture: whether a table that starts being captured has the rows it holds already read (default
         * false: only changes recorded by the triggers are captured, and an INFO line names each such table). With
         * it, a first start (no stored offset) reads every table, and a later start or a running stream reads each
         * table the offset does not know yet (triggers installed since, or newly chosen by the filter), as after a
         * column change: a {@code TRUNCATE} event, its rows as {@code READ} events in key order, a chunk per poll,
         * then the change table, passing over the table's changes that the rows read already contain (see
         * docs/capture.md, "Initial load"). A crash during a table's load repeats that table's load. Timestamp
         * capture always reads every row of a table first: its cursor starts at the beginning.
         *
         * @param load true to read the existing rows of each table when it starts being captured
         * @return this builder
         */
        public Builder initialLoad(boolean load) {
            this.initialLoad = load;
            return this;
        }

        /**
         * What to do when a captured table's columns change in a way that can change rows no later change
         * mentions (renamed, added, retyped or dropped columns, another key): {@link SchemaChanges#REREAD} (read the
         * table again) by default, or {@link SchemaChanges#FAIL}.
         *
         * @param mode the policy, not null
         * @return this builder
         */
        public Builder schemaChanges(SchemaChanges mode) {
            this.schemaChanges = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The source.
         *
         * @return the source, not yet connected
         * @throws IllegalStateException if the connections are missing, or timestamp mode has no timestamp column
         */
        public JdbcCaptureSource build() {
            if (connections == null) {
                throw new IllegalStateException("set the connections: .connections(dataSource)");
            }
            if (mode == Capture.TIMESTAMP && timestampColumn == null) {
                throw new IllegalStateException("timestamp capture needs the update column: "
                        + ".timestampColumn(\"updated_at\")");
            }
            if (mode == Capture.TRIGGER && softDeleteColumn != null) {
                throw new IllegalStateException("trigger capture sees deletes itself: remove softDeleteColumn("
                        + softDeleteColumn + ")");
            }
            return new JdbcCaptureSource(this);
        }

        private static String checkName(String name, String what) {
            Objects.requireNonNull(name, what);
            if (name.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return name;
        }

        private static Duration checkPositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}

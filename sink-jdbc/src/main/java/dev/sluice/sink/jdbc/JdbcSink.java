package dev.sluice.sink.jdbc;

import dev.sluice.ChangeEvent;
import dev.sluice.CommitStateUnknownException;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.OffsetStore;
import dev.sluice.PipelineContext;
import dev.sluice.offset.JdbcOffsetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Applies changes to tables in PostgreSQL, MariaDB or MySQL: inserts, snapshot reads and updates as upserts,
 * deletes by key (or as a soft-delete flag), truncates as deleting every row. Tables are created from the first
 * event's schema and gain the columns that appear later.
 *
 * <pre>{@code
 * JdbcSink sink = JdbcSink.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/replica")
 *         .user("sluice").password(secret)
 *         .tableNaming(TableNaming.prefix("cdc_"))
 *         .build();
 * Pipeline pipeline = Pipeline.builder().name("shop").source(source).sink(sink).build(); // exactly once
 * }</pre>
 *
 * <h2>Transactions and exactly-once</h2>
 * While open, the sink holds one connection with one open transaction. {@link #write(List)} executes each batch in
 * it at once, reduced to the last change per key. A pipeline that keeps its offsets in the sink (the default when
 * the pipeline is built without an offset store) commits that transaction in {@link #commit(String, String)}, which
 * writes the offset row in the same transaction: data and offset commit together or not at all, so after a crash
 * nothing is applied twice and no offset is recorded without its data. {@link #flush()} then only makes sure
 * everything is executed. The offsets live in the table {@code sluice_offsets} (or
 * {@link Builder#offsetTable(String)}) of the target database. With any other offset store, {@code flush()} commits, and a crash between that commit
 * and the store's save replays some changes, which upserts apply harmlessly (at least once).
 *
 * <h2>Failures</h2>
 * A lost connection, a deadlock or a timeout throws {@link dev.sluice.RetriableException}: the open transaction is
 * lost on the server, and the pipeline resumes from its last commit. A commit whose answer is lost throws
 * {@link dev.sluice.CommitStateUnknownException}. A value or table the target refuses, a missing privilege or a
 * table without key throws {@link dev.sluice.FatalException} naming the fix; nothing is ever skipped.
 *
 * <p>Threading: the pipeline calls a sink from one thread at a time; {@link #committedOffset(String)},
 * {@link #commit(String, String)} and {@link #deleteOffset(String)} are thread-safe. The configuration is
 * immutable.
 */
public final class JdbcSink implements ExactlyOnceSink {

    /** The sink's configuration, as the implementation reads it. */
    record Settings(TableNaming naming, String namespace, String softDeleteColumn, boolean createTables,
            boolean evolveSchema, int batchSize, long batchBytes) {}

    private final Connections connections;
    private final JdbcDialect dialectSetting;
    private final Settings settings;
    private final JdbcOffsetStore offsets;
    private volatile Session session;

    private JdbcSink(Builder b) {
        this.connections = b.dataSource != null ? Connections.of(b.dataSource)
                : Connections.pooled(b.jdbcUrl, b.user, b.password);
        this.dialectSetting = b.dialect;
        this.settings = new Settings(b.naming, b.namespace, b.softDelete, b.createTables, b.evolveSchema,
                b.batchSize, b.batchBytes);
        this.offsets = JdbcOffsetStore.create(connections, b.offsetTable);
    }

    /**
     * A builder; {@link Builder#jdbcUrl(String)} or {@link Builder#dataSource(DataSource)} is required.
     *
     * @return a new builder with the defaults described on its setters; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes a connection and begins a transaction; rolls back and replaces a session left open. Tables are looked
     * up lazily, at the first event of each.
     *
     * @throws dev.sluice.RetriableException if the database cannot be reached
     * @throws dev.sluice.FatalException if the login is refused or the database is not one the sink knows
     */
    @Override
    public void open(PipelineContext context) {
        close();
        Connection connection = null;
        try {
            connection = connections.getConnection();
            JdbcDialect dialect = dialectSetting != null ? dialectSetting : SqlDialect.detect(connection);
            String pipeline = context.pipelineName();
            session = new Session(connection, SqlDialect.of(dialect), settings, offsets,
                    new WriterLock(dialect, pipeline, offsets.table()), context.exactlyOnce() ? pipeline : null);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw Errors.classify("open a connection to " + connections, e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Applies the events, in order, in the open transaction (reduced per key; see the class description). */
    @Override
    public void write(List<ChangeEvent> events) {
        try {
            open().write(events);
        } catch (SQLException e) {
            throw Errors.classify("apply " + events.size() + " changes", e);
        }
    }

    /**
     * With the offsets in the sink: nothing left to do, {@link #commit(String, String)} commits. Otherwise: commits.
     *
     * @throws dev.sluice.CommitStateUnknownException if the commit's outcome is unknown
     */
    @Override
    public void flush() {
        open().flush();
    }

    /**
     * The offset in the sink's offsets table (created if missing).
     *
     * @throws dev.sluice.RetriableException if the database cannot be reached
     */
    @Override
    public Optional<String> committedOffset(String pipelineName) {
        return offsets.load(pipelineName);
    }

    /**
     * Writes the offset row in the open transaction and commits data and offset together. If the sink is not open
     * for this pipeline's offsets, saves the offset alone, under the pipeline's writer lock: a process that is not
     * the pipeline's writer cannot overwrite its offset.
     *
     * @throws CommitStateUnknownException if the commit's outcome is unknown
     * @throws dev.sluice.PipelineAlreadyRunningException if another process holds the pipeline's writer lock
     */
    @Override
    public void commit(String pipelineName, String encodedOffset) {
        Objects.requireNonNull(encodedOffset, "encodedOffset");
        if (!commitWith(Objects.requireNonNull(pipelineName, "pipelineName"), encodedOffset)) {
            saveFenced(pipelineName, encodedOffset); // the sink is not open for this pipeline
        }
    }

    /** Deletes the pipeline's row from the sink's offsets table. */
    @Override
    public void deleteOffset(String pipelineName) {
        offsets.delete(pipelineName);
    }

    /** Leaves a signal in the sink's signals table, beside its offsets table (see {@link JdbcOffsetStore#addSignal}). */
    @Override
    public String addSignal(String pipelineName, String text) {
        return offsets.addSignal(pipelineName, text);
    }

    /** The pipeline's signals in the sink's signals table, oldest first. */
    @Override
    public List<OffsetStore.Signal> signals(String pipelineName) {
        return offsets.signals(pipelineName);
    }

    /** Removes a signal from the sink's signals table, if it is still there. */
    @Override
    public void removeSignal(String pipelineName, String id) {
        offsets.removeSignal(pipelineName, id);
    }

    /** Commits the open transaction with the offset, if this pipeline's offset goes here. */
    private boolean commitWith(String pipeline, String offset) {
        Session current = session;
        if (current == null || !current.exactlyOnceFor(pipeline)) {
            return false;
        }
        try {
            current.commitWith(pipeline, offset);
            return true;
        } catch (SQLException e) {
            throw Errors.classify("save the offset of pipeline " + pipeline, e);
        }
    }

    /**
     * Saves an offset outside a session of this pipeline (the sink is closed, or open for another pipeline), under
     * the pipeline's writer lock: a process that is not the pipeline's writer cannot overwrite its offset.
     */
    private void saveFenced(String pipeline, String offset) {
        offsets.load(pipeline); // creates the table if missing
        try (Connection connection = connections.getConnection()) {
            JdbcDialect dialect = dialectSetting != null ? dialectSetting : SqlDialect.detect(connection);
            WriterLock lock = new WriterLock(dialect, pipeline, offsets.table());
            boolean autoCommit = connection.getAutoCommit();
            lock.acquire(connection);
            try {
                connection.setAutoCommit(false);
                offsets.save(connection, pipeline, offset);
                try {
                    connection.commit();
                } catch (SQLException e) {
                    throw new CommitStateUnknownException("committing the offset " + offset + " of pipeline "
                            + pipeline + " failed, so it may or may not be saved: " + Errors.describe(e), e);
                }
            } finally {
                try {
                    connection.rollback();
                    connection.setAutoCommit(autoCommit);
                } finally {
                    lock.release(connection);
                }
            }
        } catch (SQLException e) {
            throw Errors.classify("save the offset of pipeline " + pipeline, e);
        }
    }

    /** Rolls back what was not committed, returns the connection, closes the sink's own pool. Idempotent. */
    @Override
    public void close() {
        Session current = session;
        session = null;
        if (current != null) {
            current.close();
        }
        connections.close();
    }

    private Session open() {
        Session current = session;
        if (current == null) {
            throw new IllegalStateException("the JDBC sink is not open: call open(context) first");
        }
        return current;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already failing; the first error is the one reported
            }
        }
    }

    /** The database it writes to and the main options; never a password. */
    @Override
    public String toString() {
        return "JdbcSink[" + connections + (dialectSetting == null ? "" : ", " + dialectSetting)
                + ", table naming " + settings.naming()
                + (settings.namespace() == null ? "" : ", namespace " + settings.namespace())
                + (settings.softDeleteColumn() == null ? "" : ", soft delete " + settings.softDeleteColumn()) + "]";
    }

    /**
     * Configures a {@link JdbcSink}. Setters check their argument at once. Not thread-safe; {@link #build()} may be
     * called more than once.
     */
    public static final class Builder {
        private static final String MYSQL_SCHEME = "jdbc:mysql:";
        private static final String MARIADB_SCHEME = "jdbc:mariadb:";
        private String jdbcUrl;
        private String user;
        private String password;
        private DataSource dataSource;
        private JdbcDialect dialect;
        private TableNaming naming = TableNaming.sameName();
        private String namespace;
        private String softDelete;
        private boolean createTables = true;
        private boolean evolveSchema = true;
        private int batchSize = 500;
        private long batchBytes = 16L << 20;
        private String offsetTable = JdbcOffsetStore.DEFAULT_TABLE;

        private Builder() {}

        /**
         * The database to write to, e.g. {@code jdbc:postgresql://host:5432/db} or {@code jdbc:mariadb://host/db}.
         * The sink keeps a small HikariCP pool (two connections) for it. The JDBC driver is yours to add.
         *
         * @param jdbcUrl a {@code jdbc:postgresql:}, {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL, not null; a
         *     {@code jdbc:mysql:} URL is served by the bundled MariaDB driver
         * @return this builder
         * @throws IllegalArgumentException if the URL is for another database
         */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (jdbcUrl.startsWith(MYSQL_SCHEME)) {
                // the MariaDB driver the sink bundles serves MySQL too; it answers jdbc:mysql: only when told to
                jdbcUrl = MARIADB_SCHEME + jdbcUrl.substring(MYSQL_SCHEME.length());
            }
            if (!jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith(MARIADB_SCHEME)) {
                throw new IllegalArgumentException("the JDBC sink writes to PostgreSQL, MySQL or MariaDB: its URL"
                        + " starts with jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:, got '"
                        + Connections.mask(jdbcUrl) + "'; e.g. jdbc:postgresql://localhost:5432/mydb");
            }
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * The user for {@link #jdbcUrl(String)}; required with it.
         *
         * @param user the login name, not null
         * @return this builder
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * The password for {@link #jdbcUrl(String)}; never logged or shown. Optional: without it the sink logs in
         * without a password (trust or peer authentication, a password in the URL).
         *
         * @param password the password, not null (leave this unset for none)
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * A data source of your own instead of {@link #jdbcUrl(String)}: the sink takes one connection per open
         * and returns it at close, and never closes the data source. On MySQL and MariaDB it sets the session's
         * {@code time_zone} and {@code sql_mode} while it holds the connection and puts back what it found (and the
         * connection's auto-commit mode) before returning it, so the application's pooled connections keep their
         * settings. A connection lost on the way is closed, not returned.
         *
         * @param dataSource the application's data source, not null; the sink never closes it
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The SQL dialect; by default detected from the connection's metadata.
         *
         * @param dialect the target database's dialect, not null; set it only when detection guesses wrong
         * @return this builder
         */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * How target tables are named (default {@link TableNaming#sameName()}).
         *
         * @param naming maps a captured table to its target table name, not null
         * @return this builder
         */
        public Builder tableNaming(TableNaming naming) {
            this.naming = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /**
         * The PostgreSQL schema or MySQL database the target tables live in (default: the connection's current
         * one). Used exactly as given, quoted.
         *
         * @param namespace the schema or database name, not null or empty, case-sensitive
         * @return this builder
         * @throws IllegalArgumentException if the name is empty
         */
        public Builder targetNamespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isEmpty()) {
                throw new IllegalArgumentException("targetNamespace must not be empty; leave it unset to use the"
                        + " connection's current schema or database");
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * Deletes set this boolean column to true instead of deleting the row (created {@code NOT NULL DEFAULT
         * FALSE}); upserts set it back to false. A truncate flags every row.
         *
         * @param column the name of the boolean flag column, not null or empty, and not a column of any captured table;
         *     added to a target table that lacks it if {@link #evolveSchema(boolean)} allows it
         * @return this builder
         * @throws IllegalArgumentException if the name is empty
         */
        public Builder softDelete(String column) {
            Objects.requireNonNull(column, "column");
            if (column.isEmpty()) {
                throw new IllegalArgumentException("the soft-delete column name must not be empty, e.g. \"_deleted\"");
            }
            this.softDelete = column;
            return this;
        }

        /**
         * Whether a missing target table is created from the event's schema (default true).
         *
         * @param createTables false to fail with a {@link dev.sluice.FatalException} on a missing table instead
         * @return this builder
         */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        /**
         * Whether columns that appear in the events are added to the target table (default true).
         *
         * @param evolveSchema false to fail with a {@link dev.sluice.FatalException} on a column the target table lacks
         *     instead
         * @return this builder
         */
        public Builder evolveSchema(boolean evolveSchema) {
            this.evolveSchema = evolveSchema;
            return this;
        }

        /**
         * The most rows sent in one JDBC batch (default 500).
         *
         * @param batchSize rows per JDBC batch, 1 to 100000
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 100000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The most bytes of values sent in one JDBC batch (default 16 MiB, from each change's estimated size): a
         * batch is sent when it reaches {@link #batchSize(int)} rows or this many bytes, whichever comes first, so
         * that MB-sized values do not pile up in the driver. A single larger row is still sent, alone.
         *
         * @param batchBytes bytes per JDBC batch, 1024 to 1073741824 (1 GiB)
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder batchBytes(long batchBytes) {
            if (batchBytes < 1024 || batchBytes > (1L << 30)) {
                throw new IllegalArgumentException("batchBytes must be between 1024 and 1073741824 (1 GiB), was "
                        + batchBytes);
            }
            this.batchBytes = batchBytes;
            return this;
        }

        /**
         * The table the sink's offset store keeps offsets in (default {@code sluice_offsets}, in the connection's
         * current schema): a plain identifier, optionally schema-qualified.
         *
         * @param table the offset table's name, e.g. {@code sluice_offsets} or {@code cdc.sluice_offsets}; created at
         *     the first open if missing
         * @return this builder
         * @throws IllegalArgumentException if the name is not a plain, optionally schema-qualified identifier
         */
        public Builder offsetTable(String table) {
            Objects.requireNonNull(table, "table");
            if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
                throw new IllegalArgumentException("offset table name '" + table + "' must be a plain identifier,"
                        + " optionally schema-qualified, e.g. 'sluice_offsets' or 'cdc.sluice_offsets'");
            }
            this.offsetTable = table;
            return this;
        }

        /**
         * The sink.
         *
         * @return a new sink with this configuration; it connects only when the pipeline opens it
         * @throws IllegalStateException unless exactly one of a JDBC URL (with a user) or a data source is set
         */
        public JdbcSink build() {
            if ((jdbcUrl == null) == (dataSource == null)) {
                throw new IllegalStateException("the JDBC sink needs exactly one of jdbcUrl(…) or dataSource(…)");
            }
            if (jdbcUrl != null && user == null) {
                throw new IllegalStateException("jdbcUrl(…) needs user(…) as well");
            }
            return new JdbcSink(this);
        }
    }
}

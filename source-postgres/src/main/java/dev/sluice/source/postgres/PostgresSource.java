package dev.sluice.source.postgres;

import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.capture.SnapshotMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Captures row changes from PostgreSQL by logical replication with the built-in {@code pgoutput} plugin, after a
 * consistent initial snapshot.
 *
 * <pre>{@code
 * PostgresSource source = PostgresSource.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/shop")
 *         .user("cdc").password(secret)
 *         .tables(TableFilter.include("public.*").exclude("public.audit_log"))
 *         .build();
 * }</pre>
 *
 * <h2>What it does on the server</h2>
 * On {@link #open open} it checks {@code wal_level=logical}, the user's {@code REPLICATION} attribute and that
 * every selected table has a primary key or {@code REPLICA IDENTITY FULL}; creates the publication (or adds the
 * tables it lacks) and, when needed, the replication slot. Names default to {@code sluice_<pipeline name>} (plus a
 * hash of the name when it is not a valid identifier). While streaming it adds tables that come to match the filter
 * (created, or dropped and re-created) to the publication and reads their rows, so they are captured from their
 * first row. One process per pipeline: a second one stops with a {@link dev.sluice.FatalException} ("already
 * running") before it touches slot or publication.
 *
 * <h2>Offsets and durability</h2>
 * An offset is the commit LSN of a transaction plus the position of the event inside it, so a restart in the middle
 * of a large transaction neither repeats nor loses committed events. The slot's confirmed flush LSN moves only when
 * the pipeline reports an offset durable ({@link ChangeStream#committed}), and never past a transaction delivered in
 * part. A missing slot, or one that moved past the stored offset, is a {@link dev.sluice.FatalException}: the
 * changes in between are gone from the log and only a new snapshot recovers them.
 *
 * <h2>Without replication: triggers or a timestamp column</h2>
 * {@link Builder#capture(Capture) capture(Capture.TRIGGER)} records changes with row triggers into a change table
 * ({@link #installTriggers()} creates them); {@link Builder#capture(Capture) capture(Capture.TIMESTAMP)} polls the
 * tables on an update-time column. Neither needs {@code wal_level=logical} nor the REPLICATION attribute; see
 * {@code docs/capture.md} for their guarantees (timestamp polling cannot see deletes).
 *
 * <p>Immutable and thread-safe; holds no connection (each stream owns its own). {@link #toString()} masks the
 * password. See {@code docs/source-postgres.md} for type mapping, snapshot and failure behaviour.
 */
public final class PostgresSource implements Source {

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final TableFilter tables;
    private final SnapshotMode snapshotMode;
    private final int snapshotChunkSize;
    private final int snapshotParallelism;
    private final String slotName;
    private final String publicationName;
    private final Duration statusInterval;
    private final Duration heartbeatInterval;
    private final Duration tableCheckInterval;
    private final NumericMode numericMode;
    private final SchemaChanges schemaChanges;
    private final Duration connectTimeout;
    private final String instance = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
    /** The trigger or timestamp capture this source delegates to, or null for the log. */
    private final JdbcCaptureSource polling;

    private PostgresSource(Builder b) {
        this.jdbcUrl = b.jdbcUrl != null ? b.jdbcUrl
                : "jdbc:postgresql://" + b.host + ":" + b.port + "/" + b.database;
        this.user = b.user;
        this.password = b.password;
        this.tables = b.tables;
        this.snapshotMode = b.snapshotMode;
        this.snapshotChunkSize = b.snapshotChunkSize;
        this.snapshotParallelism = b.snapshotParallelism;
        this.slotName = b.slotName;
        this.publicationName = b.publicationName;
        this.statusInterval = b.statusInterval;
        this.heartbeatInterval = b.heartbeatInterval;
        this.tableCheckInterval = b.tableCheckInterval;
        this.numericMode = b.numericMode;
        this.schemaChanges = b.schemaChanges;
        this.connectTimeout = b.connectTimeout;
        this.polling = b.capture == Capture.LOG ? null : polling(b);
    }

    private JdbcCaptureSource polling(Builder b) {
        Properties login = new Properties();
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        JdbcCaptureSource.Builder capture = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(() -> DriverManager.getConnection(jdbcUrl, login), maskUrl(jdbcUrl) + " as " + user)
                .tables(tables)
                .mode(b.capture)
                .pollInterval(b.pollInterval);
        if (b.timestampColumn != null) {
            capture.timestampColumn(b.timestampColumn);
        }
        if (b.softDeleteColumn != null) {
            capture.softDeleteColumn(b.softDeleteColumn);
        }
        if (b.changeTable != null) {
            capture.changeTable(b.changeTable);
        }
        if (b.safetyWindow != null) {
            capture.safetyWindow(b.safetyWindow);
        }
        capture.schemaChanges(b.schemaChanges);
        // trigger capture reads the rows already there, in key-ordered chunks, only when asked to by this mode
        capture.initialLoad(b.snapshotMode == SnapshotMode.INCREMENTAL);
        return capture.build();
    }

    /**
     * A builder; {@link Builder#jdbcUrl(String)} (or host and database) is required.
     *
     * @return a new builder holding the defaults: log capture, every table, {@link SnapshotMode#INITIAL}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a stream: a snapshot first when {@code from} is null (in {@link SnapshotMode#INITIAL}) or names an
     * unfinished snapshot, else the log right after {@code from}; with {@link SnapshotMode#INCREMENTAL} (or an
     * offset that carries an incremental snapshot's progress) the log at once, the snapshot's chunks interleaved
     * with it. Blocks while it connects and prepares.
     *
     * @throws dev.sluice.FatalException on a pre-condition the configuration or server must fix (the message
     *     says how), or when the slot no longer has the changes after {@code from}
     * @throws dev.sluice.RetriableException when the server cannot be reached or the slot is busy
     */
    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        Objects.requireNonNull(context, "context");
        if (polling != null) {
            return polling.open(from, context);
        }
        if (from != null && !(from instanceof PgOffset)) {
            throw new IllegalArgumentException("not an offset of a PostgreSQL source: " + from);
        }
        return PgChangeStream.open(this, (PgOffset) from, context);
    }

    @Override
    public Offset decodeOffset(String encoded) {
        return polling != null ? polling.decodeOffset(encoded) : PgOffset.decode(encoded);
    }

    /**
     * How this source captures: from the log (the default), by triggers, or by a timestamp column.
     *
     * @return the capture method given to {@link Builder#capture(Capture)}, {@link Capture#LOG} if none was
     */
    public Capture capture() {
        return polling == null ? Capture.LOG : polling.mode();
    }

    /**
     * For {@link Capture#TRIGGER}: creates the change table and the row triggers on every selected table (idempotent;
     * needs the right to create triggers on them). Run it once before the first pipeline, and again after a table
     * joins the selection.
     *
     * @return the tables that have triggers now
     * @throws IllegalStateException unless this source captures by triggers
     */
    public List<TableId> installTriggers() {
        return triggers().install();
    }

    /**
     * For {@link Capture#TRIGGER}: drops the triggers of every selected table, then the change table with whatever
     * changes it still holds (idempotent). Changes no pipeline read yet are lost: stop the pipelines first.
     *
     * @return the tables whose triggers were dropped
     * @throws IllegalStateException unless this source captures by triggers
     */
    public List<TableId> uninstallTriggers() {
        return triggers().uninstall();
    }

    private JdbcCaptureSource triggers() {
        if (polling == null) {
            throw new IllegalStateException("triggers belong to trigger capture: build the source with"
                    + " capture(Capture.TRIGGER)");
        }
        return polling; // which refuses unless it captures by triggers
    }

    /**
     * The replication slot this source uses in a pipeline, for operators who look it up or drop it. Meaningful
     * for log capture only: trigger and timestamp capture use no slot.
     *
     * @param context the pipeline's context, not null; only its name is read
     * @return the name set with {@link Builder#slotName(String)}, else the one derived from the pipeline's name
     *     ({@code sluice_<pipeline name>}, see the class comment); never null
     */
    public String slotName(PipelineContext context) {
        return slotName != null ? slotName : derivedName(context.pipelineName());
    }

    /**
     * The publication this source uses in a pipeline. Meaningful for log capture only.
     *
     * @param context the pipeline's context, not null; only its name is read
     * @return the name set with {@link Builder#publicationName(String)}, else the one derived from the pipeline's
     *     name, the same as the slot's; never null
     */
    public String publicationName(PipelineContext context) {
        return publicationName != null ? publicationName : derivedName(context.pipelineName());
    }

    /** The URL with any password parameter masked, for messages and logs. */
    static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /**
     * {@code sluice_<pipeline name>} when the pipeline name is already a valid name (lower-case letters, digits and
     * {@code _}, at most 56 characters), as before; otherwise the name lower-cased with other characters as
     * {@code _}, cut to fit, plus {@code _} and 8 hex digits of the SHA-256 of the exact pipeline name. So two
     * pipeline names never share a slot or publication ({@code a-b.c} and {@code a_b_c} used to).
     */
    static String derivedName(String pipelineName) {
        String plain = legacyName(pipelineName);
        if (plain.equals("sluice_" + pipelineName)) {
            return plain;
        }
        String suffix = "_" + HexFormat.of().formatHex(sha256(pipelineName), 0, 4);
        String normalised = "sluice_" + pipelineName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return normalised.substring(0, Math.min(normalised.length(), 63 - suffix.length())) + suffix;
    }

    /** The name this source derived for every pipeline name before (two names that normalise alike clashed). */
    static String legacyName(String pipelineName) {
        String name = "sluice_" + pipelineName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() <= 63 ? name : name.substring(0, 63);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether the slot name is derived from the pipeline name (not set in the builder). */
    boolean derivesSlotName() {
        return slotName == null;
    }

    Connector connector(PipelineContext context) {
        return new Connector(jdbcUrl, user, password, connectTimeout, applicationPrefix() + context.pipelineName());
    }

    /**
     * The start of the application_name of this source's sessions: {@code sluice-<8 hex>-}, the hex digits
     * random per source object. A session that holds this pipeline's slot and carries this prefix is an earlier
     * session of this very source (a retry after a lost connection, the server not having noticed yet); any other
     * holder is a second process running the same pipeline.
     */
    String applicationPrefix() {
        return "sluice-" + instance + "-";
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    TableFilter tables() {
        return tables;
    }

    SnapshotMode snapshotMode() {
        return snapshotMode;
    }

    int snapshotChunkSize() {
        return snapshotChunkSize;
    }

    int snapshotParallelism() {
        return snapshotParallelism;
    }

    Duration statusInterval() {
        return statusInterval;
    }

    Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    Duration tableCheckInterval() {
        return tableCheckInterval;
    }

    NumericMode numericMode() {
        return numericMode;
    }

    SchemaChanges schemaChanges() {
        return schemaChanges;
    }

    @Override
    public String toString() {
        return "PostgresSource[" + maskUrl(jdbcUrl) + (polling == null ? "" : ", " + polling.mode() + " capture") + ", user=" + user + ", password=" + (password == null ? "none" : "****")
                + ", " + tables + ", snapshot " + snapshotMode
                + (slotName == null ? "" : ", slot " + slotName)
                + (publicationName == null ? "" : ", publication " + publicationName) + "]";
    }

    /**
     * Configures a {@link PostgresSource}. Each setter checks its argument at once and names a bad value. Not
     * thread-safe.
     */
    public static final class Builder {
        private String jdbcUrl;
        private String host;
        private int port = 5432;
        private String database;
        private String user;
        private String password;
        private TableFilter tables = TableFilter.all();
        private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
        private int snapshotChunkSize = 8_192;
        private int snapshotParallelism = 1;
        private String slotName;
        private String publicationName;
        private Duration statusInterval = Duration.ofSeconds(10);
        private Duration heartbeatInterval;
        private Duration tableCheckInterval = Duration.ofSeconds(5);
        private NumericMode numericMode = NumericMode.DECIMAL;
        private SchemaChanges schemaChanges = SchemaChanges.REREAD;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Capture capture = Capture.LOG;
        private String timestampColumn;
        private String softDeleteColumn;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration safetyWindow;
        private TableId changeTable;

        private Builder() {}

        /**
         * For {@link Capture#TRIGGER}: the change table the triggers write to (default {@code sluice_changes} in the
         * first schema of the search path). Pipelines whose tables share a change table prune each other's
         * rows: give each trigger pipeline its own.
         *
         * @param table the change table's schema and name, not null; created by {@link #installTriggers()}
         * @return this builder
         */
        public Builder changeTable(TableId table) {
            this.changeTable = Objects.requireNonNull(table, "changeTable");
            return this;
        }

        /**
         * How to capture (default {@link Capture#LOG}, logical replication). {@link Capture#TRIGGER} and
         * {@link Capture#TIMESTAMP} need neither {@code wal_level=logical} nor REPLICATION; the snapshot, slot,
         * publication, status and numeric settings then do not apply.
         *
         * @param capture the capture method, not null
         * @return this builder
         */
        public Builder capture(Capture capture) {
            this.capture = Objects.requireNonNull(capture, "capture");
            return this;
        }

        /**
         * For {@link Capture#TIMESTAMP}, where it is required: the column every writer sets to the time of its
         * change ({@code timestamptz} or {@code timestamp}), in every captured table. Ignored by log capture.
         *
         * @param column the column's name, matched exactly (case included); not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder timestampColumn(String column) {
            this.timestampColumn = nonBlank("timestampColumn", column);
            return this;
        }

        /**
         * For {@link Capture#TIMESTAMP}: a column that, once set (not null and not {@code false}), turns the row's
         * change into a DELETE event. Optional: without it timestamp capture sees no deletes at all.
         * {@link #build()} refuses it with {@link Capture#TRIGGER}, which sees deletes itself.
         *
         * @param column the column's name, matched exactly; not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder softDeleteColumn(String column) {
            this.softDeleteColumn = nonBlank("softDeleteColumn", column);
            return this;
        }

        /**
         * For trigger and timestamp capture: how far behind now capture stays when it cannot see every open
         * transaction (PostgreSQL without {@code pg_read_all_stats} while sessions of other roles are open, or a
         * prepared transaction): a transaction open longer than this may then be missed, and capture lags by it.
         * 5 minutes by default; see docs/capture.md, "Privileges and the safety window".
         *
         * @param window the window, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the window is zero or negative
         */
        public Builder safetyWindow(Duration window) {
            this.safetyWindow = positive("safetyWindow", window);
            return this;
        }

        /**
         * For trigger and timestamp capture: how long to wait between polls once everything available was read
         * (default 1 s).
         *
         * @param interval the pause, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval);
            return this;
        }

        /**
         * The database's JDBC URL, {@code jdbc:postgresql://host:port/database}; or use host and database, not
         * both. A password in the URL is masked in messages and {@code toString()}.
         *
         * @param jdbcUrl the URL, not null; may carry PgJDBC parameters such as {@code ssl=true}
         * @return this builder
         * @throws IllegalArgumentException if the URL does not start with {@code jdbc:postgresql:}
         */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:postgresql:', was '"
                        + maskUrl(jdbcUrl) + "'");
            }
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * The server's host name or address (instead of a JDBC URL); needs {@link #database(String)} too.
         *
         * @param host the host name or IP address, not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the host is blank
         */
        public Builder host(String host) {
            this.host = nonBlank("host", host);
            return this;
        }

        /**
         * The server's port (default 5432); used with {@link #host(String)}, ignored with a JDBC URL.
         *
         * @param port the TCP port, 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The database to capture (instead of a JDBC URL); needs {@link #host(String)} too.
         *
         * @param database the database's name, not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder database(String database) {
            this.database = nonBlank("database", database);
            return this;
        }

        /**
         * The user: needs LOGIN and SELECT on the captured tables; log capture also the REPLICATION attribute,
         * trigger capture the rights docs/capture.md lists under "Privileges".
         * Optional when the JDBC URL names the user ({@code ?user=...}).
         *
         * @param user the role name, not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder user(String user) {
            this.user = nonBlank("user", user);
            return this;
        }

        /**
         * The user's password; never shown in {@code toString()} or logs. Optional: leave it unset for trust or
         * peer authentication, or a password in the URL.
         *
         * @param password the password, not null
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Which tables to capture, by {@code schema.table} patterns (default: every table).
         * Tables that come to match while the stream runs are captured from their first row (log capture).
         *
         * @param tables the filter, not null
         * @return this builder
         */
        public Builder tables(TableFilter tables) {
            this.tables = Objects.requireNonNull(tables, "tables");
            return this;
        }

        /**
         * Whether and how to read the rows the tables hold already when a pipeline starts without a stored offset
         * (default {@link SnapshotMode#INITIAL}). With trigger capture only {@link SnapshotMode#INCREMENTAL} reads
         * existing rows (an initial load); timestamp capture always reads them.
         *
         * @param snapshotMode the mode, not null
         * @return this builder
         */
        public Builder snapshotMode(SnapshotMode snapshotMode) {
            this.snapshotMode = Objects.requireNonNull(snapshotMode, "snapshotMode");
            return this;
        }

        /**
         * The most rows one chunk of an incremental snapshot ({@link SnapshotMode#INCREMENTAL}) reads (default
         * 8192); a chunk also stops once its rows pass 8 MB. Smaller chunks hold less memory and shorter windows,
         * larger ones read faster. See docs/source-postgres.md, "Snapshots".
         *
         * @param rows the most rows per chunk, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code rows} is zero or negative
         */
        public Builder snapshotChunkSize(int rows) {
            if (rows <= 0) {
                throw new IllegalArgumentException("snapshotChunkSize must be positive, was " + rows);
            }
            this.snapshotChunkSize = rows;
            return this;
        }

        /**
         * How many chunks of an incremental snapshot ({@link SnapshotMode#INCREMENTAL}) are read at once, each on a
         * connection of its own (default 1): the next chunks of the table being read and, where it ends, of the
         * tables after it, all in one window of the stream. The rows one window holds stay under
         * {@code parallelism} × 8 MB. See docs/source-postgres.md, "Snapshots".
         *
         * @param connections how many chunks are read at once, each on its own connection; at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code connections} is less than 1
         */
        public Builder snapshotParallelism(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("snapshotParallelism must be at least 1 (one chunk read at a"
                        + " time), was " + connections);
            }
            this.snapshotParallelism = connections;
            return this;
        }

        /**
         * The replication slot's name (default {@code sluice_<pipeline name>}, lower-cased, other characters as
         * {@code _}): 1 to 63 lower-case letters, digits or {@code _}. Each pipeline needs its own slot.
         *
         * @param slotName the slot's name, not null
         * @return this builder
         * @throws IllegalArgumentException if the name breaks PostgreSQL's rule for slot names
         */
        public Builder slotName(String slotName) {
            Objects.requireNonNull(slotName, "slotName");
            if (!SLOT_NAME.matcher(slotName).matches()) {
                throw new IllegalArgumentException("slotName '" + slotName + "' is not allowed: use 1 to 63 lower-case"
                        + " letters, digits or '_' (PostgreSQL's rule for replication slot names)");
            }
            this.slotName = slotName;
            return this;
        }

        /**
         * The publication's name (default {@code sluice_<pipeline name>}); created or extended as needed.
         *
         * @param publicationName the name, not null or blank, at most 63 characters; used as given, case included
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or longer than 63 characters
         */
        public Builder publicationName(String publicationName) {
            this.publicationName = nonBlank("publicationName", publicationName);
            if (publicationName.length() > 63) {
                throw new IllegalArgumentException("publicationName '" + publicationName + "' is longer than 63"
                        + " characters, PostgreSQL's limit for names");
            }
            return this;
        }

        /**
         * How often the stream reports its position to the server even when nothing changes (default 10 s). Keep
         * it well below the server's {@code wal_sender_timeout} (60 s by default), or the server drops the
         * connection as dead.
         *
         * @param statusInterval the interval, positive, not null; used in milliseconds
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder statusInterval(Duration statusInterval) {
            this.statusInterval = positive("statusInterval", statusInterval);
            return this;
        }

        /**
         * Writes a tiny logical message ({@code pg_logical_emit_message}) this often while streaming (default:
         * off), so the slot can advance even when the captured tables are idle and other databases on the server
         * write a lot of WAL. Needs nothing but the REPLICATION attribute.
         *
         * @param heartbeatInterval the interval, positive, not null; leave it unset for no heartbeat
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = positive("heartbeatInterval", heartbeatInterval);
            return this;
        }

        /**
         * How often the stream looks for tables that the filter selects but the publication lacks (created, or
         * dropped and re-created, while the pipeline runs; default 5 s). Each is added to the publication and its
         * rows read as {@code READ} events after a {@code TRUNCATE}: see docs/source-postgres.md.
         *
         * @param interval the interval, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder tableCheckInterval(Duration interval) {
            this.tableCheckInterval = positive("tableCheckInterval", interval);
            return this;
        }

        /**
         * How {@code numeric} columns are captured (default {@link NumericMode#DECIMAL}, which stops on a
         * {@code NaN} or infinite value; {@link NumericMode#TEXT} passes every value on as a string).
         *
         * @param numericMode the mode, not null
         * @return this builder
         */
        public Builder numericMode(NumericMode numericMode) {
            this.numericMode = Objects.requireNonNull(numericMode, "numericMode");
            return this;
        }

        /**
         * What to do when a captured table's columns are renamed, added or change type while streaming, which can
         * change rows no change event mentions (default {@link SchemaChanges#REREAD}: read the table again; or
         * {@link SchemaChanges#FAIL}: stop and say so). See docs/source-postgres.md, "Schema changes". Trigger and
         * timestamp capture take the same choice (docs/capture.md, "Column changes").
         *
         * @param schemaChanges the policy, not null
         * @return this builder
         */
        public Builder schemaChanges(SchemaChanges schemaChanges) {
            this.schemaChanges = Objects.requireNonNull(schemaChanges, "schemaChanges");
            return this;
        }

        /**
         * How long opening a connection may take (default 10 s). Log capture passes it to the driver in whole
         * seconds, rounded down and at least 1; trigger and timestamp capture use the driver's default.
         *
         * @param connectTimeout the timeout, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the timeout is zero or negative
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * The source.
         *
         * @return the source, not yet connected: it connects in {@link PostgresSource#open open} (or
         *     {@link PostgresSource#installTriggers()})
         * @throws IllegalStateException if neither a JDBC URL nor host and database are set, or both are; for
         *     {@link Capture#TIMESTAMP} without a {@link #timestampColumn(String) timestampColumn}; for
         *     {@link Capture#TRIGGER} with a {@link #softDeleteColumn(String) softDeleteColumn}
         */
        public PostgresSource build() {
            if (jdbcUrl == null && (host == null || database == null)) {
                throw new IllegalStateException("set jdbcUrl(...), or host(...) and database(...), to say which"
                        + " database to capture");
            }
            if (jdbcUrl != null && (host != null || database != null)) {
                throw new IllegalStateException("set either jdbcUrl(...) or host(...) and database(...), not both");
            }
            return new PostgresSource(this);
        }

        private static String nonBlank(String what, String value) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }
    }
}

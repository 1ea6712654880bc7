package dev.sluice.source.mysql;

import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.capture.SnapshotMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Captures row changes from MySQL or MariaDB by reading the binlog as a replica does, after an optional consistent
 * snapshot of the captured tables.
 *
 * <pre>{@code
 * MySqlSource source = MySqlSource.builder()
 *         .host("db.internal").port(3306)
 *         .user("sluice").password(secret)
 *         .tables(TableFilter.include("shop.*").exclude("shop.audit_log"))   // namespace = database
 *         .snapshotMode(SnapshotMode.INITIAL)
 *         .build();
 * }</pre>
 *
 * <h2>What the server needs</h2>
 * {@code log_bin} on, {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code binlog_row_metadata=FULL}
 * (MySQL 8.0.1+, MariaDB 10.5+), and a user with {@code REPLICATION SLAVE, REPLICATION CLIENT} and {@code SELECT} on
 * the captured tables ({@code RELOAD} too on MySQL, for the snapshot). Opening a stream checks all of this and fails
 * with a {@link FatalException} that names the fix.
 *
 * <h2>Guarantees</h2>
 * Every row change of a captured table is delivered once per offset: an offset names the start of its transaction
 * in the binlog and the number of the transaction's rows already delivered, so a restart in the middle of a large
 * transaction resumes at its next row. Each change carries the schema its TABLE_MAP event describes, the schema of
 * the moment it was written. Dates and times are never shifted: DATETIME is a {@code LocalDateTime}, TIMESTAMP an
 * {@code Instant}, whatever the time zones of server and JVM. A binlog file purged from the server is a
 * {@link FatalException} naming the fix (a new snapshot).
 *
 * <h2>Without binlog access: triggers or a timestamp column</h2>
 * {@link Builder#capture(Capture) capture(Capture.TRIGGER)} records changes with row triggers into a change table in
 * the {@link Builder#database(String) database} ({@link #installTriggers()} creates them);
 * {@link Builder#capture(Capture) capture(Capture.TIMESTAMP)} polls the tables on an update-time column. Neither
 * needs the binlog nor replication grants; see {@code docs/capture.md} (timestamp polling cannot see deletes).
 *
 * <p>Immutable and thread-safe; each {@link #open} makes a new stream with its own connections. {@link #toString()}
 * masks the password.
 */
public final class MySqlSource implements Source {

    private static final Pattern JDBC_URL = Pattern.compile(
            "jdbc:(?:mysql|mariadb)://([^:/?]+)(?::(\\d+))?(?:/([^/?]*))?(?:\\?.*)?");
    private static final long SERVER_ID_BASE = 1_000_000_000L;
    private static final long SERVER_ID_RANGE = 3_000_000_000L;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final TableFilter tables;
    /** The filter as binlog offsets record it; one text for every offset. */
    private final FilterStamp tablesStamp;
    private final SnapshotMode snapshotMode;
    private final int snapshotChunkSize;
    private final int snapshotParallelism;
    private final SchemaChanges schemaChanges;
    private final Long serverId;
    private final Duration keepAliveInterval;
    private final Duration connectTimeout;
    private final Duration maxSinkStall;
    private final TlsMode tls;
    private final Path trustedCertificates;
    /**
     * The connection id that holds this source's binlog lock for its latest stream in this process (-1: none), so a
     * reopened stream can take the lock over from its own predecessor whose connection the server still counts.
     */
    private final AtomicLong lockHolder = new AtomicLong(-1);
    /** The trigger or timestamp capture this source delegates to, or null for the binlog. */
    private final JdbcCaptureSource polling;

    private MySqlSource(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password;
        // a database named in the URL (or by database(…)) scopes the capture, as it scopes a JDBC connection
        this.tables = b.tables != null ? b.tables
                : b.database != null ? TableFilter.include(b.database + ".*") : TableFilter.all();
        this.tablesStamp = FilterStamp.of(tables);
        this.snapshotMode = b.snapshotMode;
        this.snapshotChunkSize = b.snapshotChunkSize;
        this.snapshotParallelism = b.snapshotParallelism;
        this.schemaChanges = b.schemaChanges;
        this.serverId = b.serverId;
        this.keepAliveInterval = b.keepAliveInterval;
        this.connectTimeout = b.connectTimeout;
        this.maxSinkStall = b.maxSinkStall;
        this.tls = b.tls;
        this.trustedCertificates = b.trustedCertificates;
        this.polling = b.capture == Capture.LOG ? null : polling(b);
    }

    private JdbcCaptureSource polling(Builder b) {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        login.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
        Tls.jdbc(login, tls, trustedCertificates);
        String url = "jdbc:mariadb://" + host + ":" + port + "/" + b.database;
        JdbcCaptureSource.Builder capture = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(() -> DriverManager.getConnection(url, login), user + "@" + address() + "/" + b.database)
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
     * A builder; {@link Builder#host(String)} (or {@link Builder#jdbcUrl(String)}) and {@link Builder#user(String)}
     * are required.
     *
     * @return a new builder holding the defaults: binlog capture, port 3306, {@link SnapshotMode#INITIAL}, no TLS
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the server's settings and the user's rights, then starts a snapshot (without a stored offset, unless
     * the mode is {@link SnapshotMode#NEVER}) or the binlog at {@code from}.
     *
     * @throws FatalException for a server setting, a missing privilege, a server id in use, a purged position
     * @throws RetriableException when the server cannot be reached
     */
    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        Objects.requireNonNull(context, "context");
        if (polling != null) {
            return polling.open(from, context);
        }
        if (from != null && !(from instanceof MySqlOffset)) {
            throw new FatalException("the MySQL source cannot resume from " + from.encode() + ", an offset of another"
                    + " source. Fix: give this pipeline its own offset store or name");
        }
        return MySqlChangeStream.open(this, (MySqlOffset) from, context, serverIdFor(context.pipelineName()));
    }

    @Override
    public Offset decodeOffset(String encoded) {
        return polling != null ? polling.decodeOffset(encoded) : MySqlOffset.decode(encoded);
    }

    /**
     * How this source captures: from the binlog (the default), by triggers, or by a timestamp column.
     *
     * @return the capture method given to {@link Builder#capture(Capture)}, {@link Capture#LOG} if none was
     */
    public Capture capture() {
        return polling == null ? Capture.LOG : polling.mode();
    }

    /**
     * For {@link Capture#TRIGGER}: creates the change table and the row triggers on every selected table (idempotent;
     * needs TRIGGER and CREATE privileges). Run it once before the first pipeline, again after a table joins the
     * selection, and again after altering a captured table (the triggers list its columns).
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

    /** The replica server id: the configured one, or one derived from the pipeline name in [10^9, 4*10^9). */
    long serverIdFor(String pipelineName) {
        if (serverId != null) {
            return serverId;
        }
        CRC32 crc = new CRC32();
        crc.update(pipelineName.getBytes(StandardCharsets.UTF_8));
        return SERVER_ID_BASE + crc.getValue() % SERVER_ID_RANGE;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
        Tls.jdbc(p, tls, trustedCertificates);
        return DriverManager.getConnection("jdbc:mariadb://" + host + ":" + port + "/", p);
    }

    /** A JDBC failure as a Sluice exception: fatal for bad credentials and missing rights, else retriable. */
    SluiceException translate(SQLException e, String doing) {
        if (tls != TlsMode.DISABLED && Tls.isVerificationFailure(e)) {
            return tlsFailure(e);
        }
        int code = e.getErrorCode();
        if (code == 1045 || code == 1044 || code == 1142 || code == 1227) {
            return new FatalException("user " + user + " at " + address() + " could not " + doing + ": " + e.getMessage()
                    + ". Fix: check the user and password, and GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION"
                    + " CLIENT ON *.* TO the user (SELECT may be limited to the captured databases)", e);
        }
        return new RetriableException("could not " + doing + " at " + address() + ": " + e.getMessage(), e);
    }

    AtomicLong lockHolder() {
        return lockHolder;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String address() {
        return host + ":" + port;
    }

    TableFilter tables() {
        return tables;
    }

    /** {@link #tables()} as binlog offsets record it. */
    FilterStamp tablesStamp() {
        return tablesStamp;
    }

    SnapshotMode snapshotMode() {
        return snapshotMode;
    }

    SchemaChanges schemaChanges() {
        return schemaChanges;
    }

    int snapshotChunkSize() {
        return snapshotChunkSize;
    }

    int snapshotParallelism() {
        return snapshotParallelism;
    }

    Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration maxSinkStall() {
        return maxSinkStall;
    }

    TlsMode tls() {
        return tls;
    }

    Path trustedCertificates() {
        return trustedCertificates;
    }

    /** A TLS handshake that failed: the server's certificate is not trusted, or does not name the host. */
    FatalException tlsFailure(Exception e) {
        return new FatalException("the TLS connection to " + address() + " failed verification (" + tls + "): "
                + e.getMessage() + ". Fix: pass the server's CA certificate with trustedCertificates(…) (or add it to"
                + " the JVM's trust store), and for VERIFY_IDENTITY connect by a host name the certificate names", e);
    }

    @Override
    public String toString() {
        return "MySqlSource[" + user + "@" + address() + (polling == null ? "" : ", " + polling.mode() + " capture")
                + ", " + tables + ", snapshot " + snapshotMode
                + (schemaChanges == SchemaChanges.REREAD ? "" : ", schema changes " + schemaChanges)
                + (serverId == null ? "" : ", serverId " + serverId) + (tls == TlsMode.DISABLED ? "" : ", TLS " + tls)
                + ", password ****]";
    }

    /**
     * Configures a {@link MySqlSource}. Setters check their argument at once and name a bad value. Not thread-safe.
     */
    public static final class Builder {
        private String host;
        private int port = 3306;
        private String user;
        private String password = "";
        private TableFilter tables;
        private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
        private int snapshotChunkSize = 8192;
        private int snapshotParallelism = 1;
        private SchemaChanges schemaChanges = SchemaChanges.REREAD;
        private Long serverId;
        private Duration keepAliveInterval = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration maxSinkStall = Duration.ofHours(1);
        private TlsMode tls = TlsMode.DISABLED;
        private Path trustedCertificates;
        private String database;
        private Capture capture = Capture.LOG;
        private String timestampColumn;
        private String softDeleteColumn;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration safetyWindow;
        private TableId changeTable;

        private Builder() {}

        /**
         * For {@link Capture#TRIGGER}: the change table the triggers write to (default {@code sluice_changes} in the
         * database). Pipelines whose tables share a change table prune each other's
         * rows: give each trigger pipeline its own.
         *
         * @param table the change table's database and name, not null; created by {@link #installTriggers()}
         * @return this builder
         */
        public Builder changeTable(TableId table) {
            this.changeTable = Objects.requireNonNull(table, "changeTable");
            return this;
        }

        /**
         * For trigger and timestamp capture: the database that holds the change table, and whose tables are captured
         * when {@link #tables(TableFilter)} includes none. Also taken from the path of {@link #jdbcUrl(String)}.
         * Required by {@link #build()} for those two; binlog capture uses it only as the default table filter
         * ({@code database.*}).
         *
         * @param database the database's name, not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder database(String database) {
            Objects.requireNonNull(database, "database");
            if (database.isBlank()) {
                throw new IllegalArgumentException("database must not be blank");
            }
            this.database = database;
            return this;
        }

        /**
         * How to capture (default {@link Capture#LOG}, the binlog). {@link Capture#TRIGGER} and
         * {@link Capture#TIMESTAMP} need neither the binlog nor replication grants, but a {@link #database(String)};
         * the snapshot, server id and keep-alive settings then do not apply.
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
         * change ({@code TIMESTAMP} or {@code DATETIME}), in every captured table. Ignored by binlog capture.
         *
         * @param column the column's name, matched exactly (case included); not null, and {@link #build()} refuses
         *     an empty one
         * @return this builder
         */
        public Builder timestampColumn(String column) {
            Objects.requireNonNull(column, "column");
            this.timestampColumn = column;
            return this;
        }

        /**
         * For {@link Capture#TIMESTAMP}: a column that, once set (not null and not {@code false}), turns the row's
         * change into a DELETE event. Optional: without it timestamp capture sees no deletes at all.
         * {@link #build()} refuses it with {@link Capture#TRIGGER}, which sees deletes itself.
         *
         * @param column the column's name, matched exactly; not null, and {@link #build()} refuses an empty one
         * @return this builder
         */
        public Builder softDeleteColumn(String column) {
            Objects.requireNonNull(column, "column");
            this.softDeleteColumn = column;
            return this;
        }

        /**
         * For trigger and timestamp capture: how far behind now capture stays when it cannot see every open
         * transaction (a user without {@code PROCESS}, or {@code information_schema.INNODB_TRX} kept stale by
         * someone reading it without pause): a transaction open longer than this may then be missed, and capture
         * lags by it. 5 minutes by default; see docs/capture.md, "Privileges and the safety window".
         *
         * @param window the window, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the window is zero or negative
         */
        public Builder safetyWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("safetyWindow must be positive, was " + window);
            }
            this.safetyWindow = window;
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
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Required (or {@link #jdbcUrl(String)}): the server's host name or address. With
         * {@link TlsMode#VERIFY_IDENTITY} it must be a name the server's certificate carries.
         *
         * @param host the host name or IP address, not null or blank
         * @return this builder
         * @throws IllegalArgumentException if the host is blank
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
            return this;
        }

        /**
         * The server's port; 3306 by default.
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
         * Host and port from a URL such as {@code jdbc:mysql://db:3306/shop}; its database, if any, is the
         * {@link #database(String) database} of trigger and timestamp capture (and the default table filter).
         * Only host, port and database are read: parameters after {@code ?} are ignored, so set TLS, timeouts and
         * credentials with this builder's methods.
         *
         * @param url a {@code jdbc:mysql://} or {@code jdbc:mariadb://} URL with a host, not null
         * @return this builder
         * @throws IllegalArgumentException if the URL is of another form or names no host, or its port is out of
         *     range
         */
        public Builder jdbcUrl(String url) {
            Objects.requireNonNull(url, "url");
            Matcher m = JDBC_URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + url + "' is not a jdbc:mysql:// or jdbc:mariadb:// URL with a"
                        + " host; use host(…) and port(…) instead");
            }
            host(m.group(1));
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                database(m.group(3));
            }
            return m.group(2) == null ? this : port(Integer.parseInt(m.group(2)));
        }

        /**
         * Required: the user. Binlog capture needs REPLICATION SLAVE, REPLICATION CLIENT and SELECT (and RELOAD on
         * MySQL, for the snapshot); trigger and timestamp capture need no replication grant (docs/capture.md,
         * "Privileges").
         *
         * @param user the user name, not null or empty
         * @return this builder
         * @throws IllegalArgumentException if the name is empty
         */
        public Builder user(String user) {
            Objects.requireNonNull(user, "user");
            if (user.isEmpty()) {
                throw new IllegalArgumentException("user must not be empty");
            }
            this.user = user;
            return this;
        }

        /**
         * The user's password; never logged or shown by {@code toString()}. Empty by default (no password).
         *
         * @param password the password, not null
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * The tables to capture, as {@code database.table} patterns. By default every table of the
         * {@link #database(String) database} (also taken from {@link #jdbcUrl(String)}), or of the whole server when
         * no database is named. Opening a stream fails if no table matches, or if a pattern without wildcards names
         * a table that does not exist.
         *
         * @param tables the filter, not null
         * @return this builder
         */
        public Builder tables(TableFilter tables) {
            this.tables = Objects.requireNonNull(tables, "tables");
            return this;
        }

        /**
         * Whether and how to read the rows the tables hold already when a pipeline starts without a stored offset;
         * {@link SnapshotMode#INITIAL} by default. With trigger capture only {@link SnapshotMode#INCREMENTAL} reads
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
         * {@link SnapshotMode#INCREMENTAL}: the most rows one chunk reads (a chunk also stops after about 8 MB of
         * rows); 8192 by default. Larger chunks read faster and hold more memory and a longer window of the binlog.
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
         * {@link SnapshotMode#INCREMENTAL}: how many chunks are read at once, each on a connection of its own
         * (default 1): the next chunks of the table being read and, where it ends, of the tables after it, all in one
         * window of the binlog. The rows one window holds stay under {@code parallelism} × 8 MB. See
         * docs/source-mysql.md, "Snapshots".
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
         * Binlog capture: what to do when an ALTER TABLE may have changed the values of a captured table's existing
         * rows (a renamed column, an added column with a default, a conversion), which the binlog does not carry;
         * {@link SchemaChanges#REREAD} (re-read the table at the statement's place in the stream) by default. Trigger
         * and timestamp capture take the same choice for any change of a captured table's columns (docs/capture.md,
         * "Column changes").
         *
         * @param schemaChanges the policy, not null; {@link SchemaChanges#FAIL} stops the stream instead, naming
         *     the table
         * @return this builder
         */
        public Builder schemaChanges(SchemaChanges schemaChanges) {
            this.schemaChanges = Objects.requireNonNull(schemaChanges, "schemaChanges");
            return this;
        }

        /**
         * The replica server id this source uses; it must differ from the server's and from every other replica's.
         * By default one is derived from the pipeline name, between 1,000,000,000 and 3,999,999,999. Binlog capture
         * only.
         *
         * @param serverId the id, 1 to 4294967295 (an unsigned 32-bit number)
         * @return this builder
         * @throws IllegalArgumentException if the id is out of range
         */
        public Builder serverId(long serverId) {
            if (serverId < 1 || serverId > 4_294_967_295L) {
                throw new IllegalArgumentException("serverId must be between 1 and 4294967295, was " + serverId);
            }
            this.serverId = serverId;
            return this;
        }

        /**
         * How often the server sends a heartbeat on an idle binlog connection; a connection silent for three
         * intervals is taken as lost and reopened. 10 seconds by default. Binlog capture only.
         *
         * @param interval the interval, not null, from 100 ms to 1 hour
         * @return this builder
         * @throws IllegalArgumentException if the interval is out of range
         */
        public Builder keepAliveInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 100 || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("keepAliveInterval must be between 100 ms and 1 h, was " + interval);
            }
            this.keepAliveInterval = interval;
            return this;
        }

        /**
         * How long the sink may hold the stream back (a full queue) before the server gives up on the binlog
         * connection; 1 hour by default. The source sets the replication session's {@code net_write_timeout} to it
         * (the server's default is 60 s), so a slow sink does not make the stream reconnect and re-read. Memory
         * stays bounded: unread binlog waits in the server's socket buffers. A longer stall fails the stream with a
         * retriable error and it resumes from the last committed offset. Binlog capture only.
         *
         * @param stall the longest stall, not null, from 1 second to 365 days; used in whole seconds (rounded
         *     down)
         * @return this builder
         * @throws IllegalArgumentException if the stall is out of range
         */
        public Builder maxSinkStall(Duration stall) {
            Objects.requireNonNull(stall, "stall");
            if (stall.toSeconds() < 1 || stall.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("maxSinkStall must be between 1 s and 365 days, was " + stall);
            }
            this.maxSinkStall = stall;
            return this;
        }

        /**
         * TLS for every connection of the source (JDBC and binlog); {@link TlsMode#DISABLED} by default. The
         * verifying modes check the server's certificate against {@link #trustedCertificates(Path)}, or against the
         * JVM's trust store when none are given; a failed check stops the pipeline with a {@code FatalException}.
         *
         * @param mode the TLS mode, not null
         * @return this builder
         */
        public Builder tls(TlsMode mode) {
            this.tls = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * A PEM file of the certificates to trust for TLS (the server's CA); implies nothing without {@link #tls}.
         *
         * @param pemFile the PEM file, not null; readable now
         * @return this builder
         * @throws IllegalArgumentException if the file is not readable
         */
        public Builder trustedCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile");
            if (!Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("trustedCertificates must be a readable PEM file, was " + pemFile);
            }
            this.trustedCertificates = pemFile;
            return this;
        }

        /**
         * How long to wait for a connection to the server, JDBC and binlog alike; 10 seconds by default.
         *
         * @param timeout the timeout, not null, from 1 ms to 10 minutes
         * @return this builder
         * @throws IllegalArgumentException if the timeout is out of range
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("connectTimeout must be between 1 ms and 10 min, was " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The source.
         *
         * @return the source, not yet connected: it connects in {@link MySqlSource#open open} (or
         *     {@link MySqlSource#installTriggers()})
         * @throws IllegalStateException if the host or user is missing; for trigger and timestamp capture without a
         *     {@link #database(String) database}; for {@link Capture#TIMESTAMP} without a
         *     {@link #timestampColumn(String) timestampColumn}; for {@link Capture#TRIGGER} with a
         *     {@link #softDeleteColumn(String) softDeleteColumn}
         * @throws IllegalArgumentException for trigger and timestamp capture, if a column name given is empty
         */
        public MySqlSource build() {
            if (host == null) {
                throw new IllegalStateException("MySqlSource needs a host: call host(…) or jdbcUrl(…)");
            }
            if (user == null) {
                throw new IllegalStateException("MySqlSource needs a user: call user(…)");
            }
            if (capture != Capture.LOG && database == null) {
                throw new IllegalStateException(capture + " capture needs the database that holds its change table:"
                        + " call database(…) or name it in jdbcUrl(…)");
            }
            return new MySqlSource(this);
        }
    }
}

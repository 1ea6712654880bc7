package dev.sluice.examples.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.OffsetStore;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.RetryPolicy;
import dev.sluice.Sink;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.offset.JdbcOffsetStore;
import dev.sluice.sink.jdbc.JdbcSink;
import dev.sluice.sink.jdbc.TableNaming;
import dev.sluice.sink.s3.Compression;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.sink.s3.Partitioning;
import dev.sluice.source.mongo.MongoSource;
import dev.sluice.source.mongo.StartupMode;
import dev.sluice.source.mysql.MySqlSource;
import dev.sluice.source.mysql.TlsMode;
import dev.sluice.source.postgres.NumericMode;
import dev.sluice.source.postgres.PostgresSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Builds the source, sink, offset store and pipeline that {@code sluice replicate} options describe. */
final class PipelineFactory {

    private final Options options;
    private final List<AutoCloseable> resources = new ArrayList<>();

    PipelineFactory(Options options) {
        this.options = options;
    }

    Pipeline pipeline(PipelineListener listener) {
        Pipeline.Builder builder = Pipeline.builder()
                .name(options.get("pipeline", "sluice"))
                .source(source())
                .sink(sink())
                .commitInterval(options.duration("commit-interval", Duration.ofSeconds(10)))
                .retryPolicy(retryPolicy())
                .startTimeout(options.duration("start-timeout", Duration.ofMinutes(5)))
                .listener(listener);
        OffsetStore store = offsetStore();
        if (store != null) {
            builder.offsetStore(store);
        }
        return builder.build();
    }

    /**
     * How the run recovers from retriable failures. A continuous run is a service: it retries without limit unless
     * {@code --max-retries} or {@code --retry-for} bound it, as an outage of the source or the sink may last
     * minutes. A {@code --until-caught-up} run is a job: 3 retries by default, so a scheduler learns of a failure.
     * Configuration errors (a wrong password, a missing privilege) are fatal either way and stop at once.
     */
    RetryPolicy retryPolicy() {
        boolean once = options.flag("until-caught-up");
        RetryPolicy.Builder policy = RetryPolicy.builder()
                .backoff(Duration.ofSeconds(1), options.duration("max-backoff", Duration.ofMinutes(1)));
        if (options.has("max-retries") || once) {
            int retries = options.integer("max-retries", 3);
            if (retries < 0) {
                throw new UsageException("--max-retries must not be negative, not " + retries);
            }
            policy.maxAttempts(retries);
        }
        if (options.has("retry-for")) {
            policy.maxDuration(options.duration("retry-for", null));
        }
        return policy.build();
    }

    /** Closes the pools the built pipeline used; after the pipeline has closed. */
    void closeResources() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing a pool after the pipeline stopped: nothing is lost
            }
        }
    }

    Source source() {
        String kind = options.choice("source", null, "postgres", "mysql", "mongo");
        if (!kind.equals("mysql") && (options.has("tls") || options.has("trusted-certificates"))) {
            throw new UsageException("--tls and --trusted-certificates go with --source mysql; PostgreSQL takes"
                    + " sslmode and sslrootcert in its JDBC URL, MongoDB tls=true in its connection string");
        }
        return switch (kind) {
            case "postgres" -> postgres(capture());
            case "mongo" -> {
                if (capture() != Capture.LOG) {
                    throw new UsageException("--source mongo captures from change streams only: leave out --capture");
                }
                if (options.has("user") || options.has("password") || options.has("password-file")) {
                    throw new UsageException("--source mongo takes its credentials in the connection string"
                            + " (mongodb://user:password@host/...): leave out --user and --password");
                }
                MongoSource.Builder mongo = MongoSource.builder()
                        .connectionString(options.require("url", "for --source mongo (mongodb://host/?replicaSet=rs0)"))
                        .startupMode(switch (options.choice("snapshot", "initial", "initial", "never")) {
                            case "never" -> StartupMode.LATEST;
                            default -> StartupMode.COPY_EXISTING;
                        });
                if (options.has("tables")) {
                    mongo.include(patterns("tables"));
                }
                if (options.has("exclude")) {
                    mongo.exclude(patterns("exclude"));
                }
                yield mongo.build();
            }
            default -> mysql(capture());
        };
    }

    private Capture capture() {
        Capture capture = switch (options.choice("capture", "log", "log", "trigger", "timestamp")) {
            case "trigger" -> Capture.TRIGGER;
            case "timestamp" -> Capture.TIMESTAMP;
            default -> Capture.LOG;
        };
        if (capture == Capture.TIMESTAMP && !options.has("timestamp-column")) {
            throw new UsageException("--capture timestamp needs --timestamp-column, the column writers set to the"
                    + " time of each change");
        }
        if (capture != Capture.TIMESTAMP && (options.has("timestamp-column") || options.has("soft-delete-column"))) {
            throw new UsageException("--timestamp-column and --soft-delete-column go with --capture timestamp");
        }
        return capture;
    }

    /** Installs ({@code true}) or removes the triggers of trigger capture on the selected tables. */
    List<TableId> triggers(boolean install) {
        String kind = options.choice("source", null, "postgres", "mysql");
        String command = "sluice triggers " + (install ? "install" : "uninstall");
        if (kind.equals("postgres")) {
            PostgresSource source = postgres(Capture.TRIGGER);
            options.refuseUnapplied(command, true);
            return install ? source.installTriggers() : source.uninstallTriggers();
        }
        MySqlSource source = mysql(Capture.TRIGGER);
        options.refuseUnapplied(command, true);
        return install ? source.installTriggers() : source.uninstallTriggers();
    }

    private PostgresSource postgres(Capture capture) {
        PostgresSource.Builder postgres = PostgresSource.builder()
                .jdbcUrl(options.require("url", "for --source postgres (jdbc:postgresql://host:5432/db)"))
                .user(options.require("user", "for --source postgres"))
                .password(secretOrEmpty("password"))
                .tables(tables())
                .capture(capture)
                .snapshotMode(snapshotMode())
                .schemaChanges(schemaChanges());
        // an option is read only where it applies, so that one given elsewhere is refused (Options.refuseUnapplied)
        if (snapshotMode() == SnapshotMode.INCREMENTAL && options.has("snapshot-chunk-size")) {
            postgres.snapshotChunkSize(snapshotChunkSize());
        }
        if (snapshotMode() == SnapshotMode.INCREMENTAL && options.has("snapshot-parallelism")) {
            postgres.snapshotParallelism(snapshotParallelism());
        }
        if (options.has("timestamp-column")) {
            postgres.timestampColumn(options.get("timestamp-column"));
        }
        if (options.has("soft-delete-column")) {
            postgres.softDeleteColumn(options.get("soft-delete-column"));
        }
        if (capture != Capture.LOG && options.has("safety-window")) {
            postgres.safetyWindow(options.duration("safety-window", null));
        }
        if (capture == Capture.LOG && options.has("table-check-interval")) {
            postgres.tableCheckInterval(options.duration("table-check-interval", null));
        }
        postgres.numericMode(options.choice("numeric-mode", "decimal", "decimal", "text").equals("text")
                ? NumericMode.TEXT : NumericMode.DECIMAL);
        return postgres.build();
    }

    private MySqlSource mysql(Capture capture) {
        MySqlSource.Builder mysql = MySqlSource.builder()
                .jdbcUrl(options.require("url", "for --source mysql (jdbc:mysql://host:3306/db)"))
                .user(options.require("user", "for --source mysql"))
                .password(secretOrEmpty("password"))
                .tables(tables())
                .capture(capture)
                .snapshotMode(snapshotMode())
                .schemaChanges(schemaChanges());
        if (snapshotMode() == SnapshotMode.INCREMENTAL && options.has("snapshot-chunk-size")) {
            mysql.snapshotChunkSize(snapshotChunkSize());
        }
        if (snapshotMode() == SnapshotMode.INCREMENTAL && options.has("snapshot-parallelism")) {
            mysql.snapshotParallelism(snapshotParallelism());
        }
        if (capture != Capture.LOG && options.has("safety-window")) {
            mysql.safetyWindow(options.duration("safety-window", null));
        }
        if (capture == Capture.LOG && options.has("max-sink-stall")) {
            mysql.maxSinkStall(options.duration("max-sink-stall", null));
        }
        if (options.has("timestamp-column")) {
            mysql.timestampColumn(options.get("timestamp-column"));
        }
        if (options.has("soft-delete-column")) {
            mysql.softDeleteColumn(options.get("soft-delete-column"));
        }
        mysql.tls(switch (options.choice("tls", "disabled", "disabled", "verify-ca", "verify-identity")) {
            case "verify-ca" -> TlsMode.VERIFY_CA;
            case "verify-identity" -> TlsMode.VERIFY_IDENTITY;
            default -> TlsMode.DISABLED;
        });
        if (options.has("trusted-certificates")) {
            mysql.trustedCertificates(Path.of(options.get("trusted-certificates")));
        }
        return mysql.build();
    }

    private SnapshotMode snapshotMode() {
        return switch (options.choice("snapshot", "initial", "initial", "never", "only", "incremental")) {
            case "never" -> SnapshotMode.NEVER;
            case "only" -> SnapshotMode.INITIAL_ONLY;
            case "incremental" -> SnapshotMode.INCREMENTAL;
            default -> SnapshotMode.INITIAL;
        };
    }

    private int snapshotChunkSize() {
        int rows = options.integer("snapshot-chunk-size", 8192);
        if (rows <= 0) {
            throw new UsageException("--snapshot-chunk-size must be positive, not " + rows);
        }
        return rows;
    }

    private int snapshotParallelism() {
        int connections = options.integer("snapshot-parallelism", 1);
        if (connections < 1) {
            throw new UsageException("--snapshot-parallelism must be at least 1, not " + connections);
        }
        return connections;
    }

    private SchemaChanges schemaChanges() {
        return options.choice("schema-changes", "reread", "reread", "fail").equals("fail") ? SchemaChanges.FAIL
                : SchemaChanges.REREAD;
    }

    private TableFilter tables() {
        TableFilter filter = options.has("tables") ? TableFilter.include(patterns("tables")) : TableFilter.all();
        return options.has("exclude") ? filter.exclude(patterns("exclude")) : filter;
    }

    private String[] patterns(String key) {
        return Arrays.stream(options.get(key).split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .toArray(String[]::new);
    }

    private String secretOrEmpty(String key) {
        String secret = options.secret(key);
        return secret == null ? "" : secret;
    }

    Sink sink() {
        return switch (options.choice("sink", "parquet", "parquet", "jdbc")) {
            case "jdbc" -> JdbcSink.builder()
                    .jdbcUrl(options.require("target-url", "for --sink jdbc"))
                    .user(options.require("target-user", "for --sink jdbc"))
                    .password(secretOrEmpty("target-password"))
                    .tableNaming(targetTableNaming())
                    .build();
            default -> parquet();
        };
    }

    /** The JDBC sink's table naming: same-named tables of two namespaces need namespace-and-name. */
    private TableNaming targetTableNaming() {
        return switch (options.choice("target-table-naming", "same-name", "same-name", "namespace-and-name")) {
            case "namespace-and-name" -> TableNaming.namespaceAndName();
            default -> TableNaming.sameName();
        };
    }

    private Sink parquet() {
        String out = options.require("out", "for --sink parquet: a folder, or s3://bucket/prefix");
        ParquetSink.Builder parquet = ParquetSink.builder();
        parquetOptions(parquet);
        if (!out.startsWith("s3://")) {
            return parquet.localFolder(Path.of(out)).build();
        }
        if (options.has("writer-lease")) {
            parquet.writerLease(options.duration("writer-lease", null));
        }
        String location = out.substring("s3://".length());
        int slash = location.indexOf('/');
        String bucket = slash < 0 ? location : location.substring(0, slash);
        String prefix = slash < 0 ? "" : location.substring(slash + 1).replaceAll("/+$", "");
        parquet.s3(bucket, prefix);
        if (options.has("s3-endpoint")) {
            parquet.endpoint(URI.create(options.get("s3-endpoint")));
        }
        if (options.has("s3-region")) {
            parquet.region(options.get("s3-region"));
        }
        parquet.pathStyle(options.flag("s3-path-style"));
        String secret = options.secret("s3-secret-key");
        if (options.has("s3-access-key") != (secret != null)) {
            throw new UsageException("give both --s3-access-key and --s3-secret-key (or SLUICE_S3_SECRET_KEY), or"
                    + " neither to use the default AWS credential chain");
        }
        if (secret != null) {
            parquet.credentials(options.get("s3-access-key"), secret);
        }
        return parquet.build();
    }

    /** File layout options of the Parquet sink, for a folder and for S3 alike. */
    private void parquetOptions(ParquetSink.Builder parquet) {
        if (options.has("partition-by")) {
            String by = options.get("partition-by");
            parquet.partitionBy(switch (by.toLowerCase(Locale.ROOT)) {
                case "day" -> Partitioning.DAY;
                case "hour" -> Partitioning.HOUR;
                case "none" -> Partitioning.NONE;
                default -> {
                    if (!by.startsWith("column:") || by.length() == "column:".length()) {
                        throw new UsageException("--partition-by must be day, hour, none or column:NAME, not '" + by
                                + "'");
                    }
                    yield Partitioning.column(by.substring("column:".length()));
                }
            });
        }
        if (options.has("compression")) {
            parquet.compression(switch (options.choice("compression", "zstd", "zstd", "snappy", "gzip")) {
                case "snappy" -> Compression.SNAPPY;
                case "gzip" -> Compression.GZIP;
                default -> Compression.ZSTD;
            });
        }
        if (options.has("max-file-rows")) {
            parquet.maxFileRows(options.integer("max-file-rows", 0));
        }
        if (options.has("max-file-bytes")) {
            parquet.maxFileBytes(options.bytes("max-file-bytes"));
        }
        if (options.has("max-file-age")) {
            parquet.maxFileAge(options.duration("max-file-age", null));
        }
    }

    /** The store {@code --offsets} names, or null for the sink's own (exactly once), the default. */
    OffsetStore offsetStore() {
        String offsets = options.get("offsets", "sink");
        if (offsets.equals("sink")) {
            return null;
        }
        if (!offsets.equals("jdbc")) {
            return FileOffsetStore.in(Path.of(offsets));
        }
        // beside the data when the target is a database, else in the source database
        boolean target = options.has("target-url");
        if (!target && "mongo".equals(options.get("source"))) {
            throw new UsageException("--offsets jdbc needs a database: use --sink jdbc, or --offsets sink or a folder");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.require(target ? "target-url" : "url", "for --offsets jdbc"));
        config.setUsername(options.get(target ? "target-user" : "user"));
        config.setPassword(secretOrEmpty(target ? "target-password" : "password"));
        config.setMaximumPoolSize(3); // one held by the lease on the pipeline for the whole run
        config.setPoolName("sluice-offsets");
        config.setInitializationFailTimeout(-1); // connect on first use, inside the pipeline's retries
        HikariDataSource pool = new HikariDataSource(config);
        resources.add(pool);
        return JdbcOffsetStore.create(pool);
    }
}

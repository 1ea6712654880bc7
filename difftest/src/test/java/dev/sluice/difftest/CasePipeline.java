package dev.sluice.difftest;

import dev.sluice.CatchUpReport;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.Sink;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.sink.jdbc.JdbcSink;
import dev.sluice.sink.jdbc.TableNaming;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.mysql.MySqlSource;
import dev.sluice.source.postgres.PostgresSource;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline a case runs, as plain values: the one place that builds its source, sink and pipeline, both in the
 * test's JVM and in a {@link PipelineChild} (which reads it from {@code pipeline.properties} in the case's folder,
 * its secrets from the environment), so that a child runs exactly the case's pipeline.
 *
 * @param path the case's path
 * @param name the pipeline's name, also the prefix of the case's tables, slot and publication
 * @param incremental the snapshot (or trigger capture's initial load) reads in chunks
 * @param chunkSize rows per chunk of an incremental snapshot
 * @param parallelism chunks of an incremental snapshot read at once (log paths)
 * @param batchSize 0 for the case's usual batches and commit interval (up to 1024 events, 200 ms), else batches
 *     of at most this many events and a commit every 10 ms, which is after nearly every batch (see
 *     {@link Variant#commits()})
 * @param namespaceAndName the JDBC sink names target tables {@code <schema>_<table>} (a case with same-named
 *     tables in two schemas), else by their own name
 * @param dir the case's folder: the local lake ({@code lake/}) and the S3 sink's spool ({@code spool/}) are in it
 * @param sourceDb the source database
 * @param targetDb the JDBC sink's database, or null on Parquet paths
 * @param bucket the S3 sink's bucket, or null on other paths
 * @param writerLease the S3 sink's writer lease, or null for its default (a killed writer's lease holds its
 *     successor back for that long)
 */
record CasePipeline(CasePath path, String name, boolean incremental, int chunkSize, int parallelism, int batchSize,
        boolean namespaceAndName,
        Path dir, Endpoint sourceDb, Endpoint targetDb, Bucket bucket, Duration writerLease) {

    /** How long one catch-up run may take before the case counts as hung. */
    static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(90);

    /** The environment variables that carry the passwords to a child, so that no file holds them. */
    private static final String SOURCE_PASSWORD = "SLUICE_DIFFTEST_SOURCE_PASSWORD";
    private static final String TARGET_PASSWORD = "SLUICE_DIFFTEST_TARGET_PASSWORD";
    private static final String S3_SECRET_KEY = "SLUICE_DIFFTEST_S3_SECRET_KEY";

    /** A database: where it is, who logs in, and its name (MariaDB's database is also the tables' namespace). */
    record Endpoint(String jdbcUrl, String user, String password, String database) {
        static Endpoint of(TestDatabase db) {
            return new Endpoint(db.jdbcUrl(), db.user(), db.password(), db.name());
        }

        @Override
        public String toString() {
            return "Endpoint[" + jdbcUrl + ", user=" + user + "]"; // no password
        }
    }

    /** An S3 bucket and its credentials. */
    record Bucket(URI endpoint, String bucket, String region, String accessKey, String secretKey) {
        static Bucket of(S3Bucket b) {
            return new Bucket(b.endpoint(), b.bucket(), b.region(), b.accessKey(), b.secretKey());
        }

        @Override
        public String toString() {
            return "Bucket[" + bucket + " at " + endpoint + ", accessKey=" + accessKey + "]"; // no secret key
        }
    }

    /** The pipeline of a case in its variant. */
    static CasePipeline of(Case c, Variant variant, Environment env, Path dir, String name) {
        CasePath path = c.path();
        return new CasePipeline(path, name, variant.incremental(), variant.chunkSize(), variant.parallelism(), 0,
                c.sameNamedTables(), dir,
                Endpoint.of(env.database(path.source())),
                path.sink() == CasePath.SinkKind.JDBC ? Endpoint.of(env.database(path.target())) : null,
                path.sink() == CasePath.SinkKind.S3 ? Bucket.of(env.bucket()) : null,
                // a killed child's lease would hold the next child back for the default 60 s
                path.sink() == CasePath.SinkKind.S3 && variant.crash() == Variant.Crash.KILL ? Duration.ofSeconds(1)
                        : null);
    }

    /** This pipeline with batches of at most {@code events} events, each committed at once. */
    CasePipeline withBatchSize(int events) {
        return new CasePipeline(path, name, incremental, chunkSize, parallelism, events, namespaceAndName, dir,
                sourceDb, targetDb, bucket, writerLease);
    }

    Source source() {
        if (path.source() == Db.PG) {
            PostgresSource.Builder b = PostgresSource.builder().jdbcUrl(sourceDb.jdbcUrl()).user(sourceDb.user())
                    .password(sourceDb.password())
                    .tables(TableFilter.include("public." + name + "_*", name + "_s2." + name + "_*"))
                    .slotName(name).publicationName(name).capture(path.capture());
            if (path.trigger()) {
                b.changeTable(TableId.of("public", "chg_" + name));
            }
            if (path.timestamp()) {
                b.timestampColumn("updated_at").pollInterval(Duration.ofMillis(100));
            }
            if (incremental) {
                b.snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(chunkSize).snapshotParallelism(parallelism);
            }
            return b.build();
        }
        MySqlSource.Builder b = MySqlSource.builder().jdbcUrl(sourceDb.jdbcUrl()).user(sourceDb.user())
                .password(sourceDb.password()).database(sourceDb.database())
                .tables(TableFilter.include(sourceDb.database() + "." + name + "_*")).capture(path.capture());
        if (path.trigger()) {
            b.changeTable(TableId.of(sourceDb.database(), "chg_" + name));
        }
        if (path.timestamp()) {
            b.timestampColumn("updated_at").pollInterval(Duration.ofMillis(100));
        }
        if (!path.log()) {
            // other helpers on the shared server may keep INNODB_TRX stale: capture then falls back to the safety
            // window, and a catch-up run waits until it has passed the rows committed before the run
            b.safetyWindow(Duration.ofSeconds(20));
        }
        if (incremental) {
            b.snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(chunkSize).snapshotParallelism(parallelism);
        }
        return b.build();
    }

    /**
     * The JDBC sink's table naming: the default {@code sameName()}, except for a case with same-named tables in two
     * schemas, which {@code sameName()} refuses (docs/sink-jdbc.md) and {@code namespaceAndName()} keeps apart.
     */
    TableNaming naming() {
        return namespaceAndName ? TableNaming.namespaceAndName() : TableNaming.sameName();
    }

    ExactlyOnceSink sink() {
        switch (path.sink()) {
            case LOCAL:
                return ParquetSink.builder().localFolder(dir.resolve("lake")).build();
            case S3:
                ParquetSink.Builder b = ParquetSink.builder().s3(bucket.bucket(), name).endpoint(bucket.endpoint())
                        .pathStyle(true).region(bucket.region()).credentials(bucket.accessKey(), bucket.secretKey())
                        .spoolFolder(dir.resolve("spool"));
                if (writerLease != null) {
                    b.writerLease(writerLease);
                }
                return b.build();
            default:
                return JdbcSink.builder().jdbcUrl(targetDb.jdbcUrl()).user(targetDb.user())
                        .password(targetDb.password()).tableNaming(naming()).build();
        }
    }

    Pipeline pipeline(Source source, Sink sink, PipelineListener listener) {
        Pipeline.Builder b = Pipeline.builder().name(name).source(source).sink(sink)
                .commitInterval(Duration.ofMillis(200)).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .maxRetries(2);
        if (batchSize > 0) {
            b.batchSize(batchSize).commitInterval(Duration.ofMillis(10));
        }
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    /** Runs the pipeline until caught up, within {@link #CATCH_UP_LIMIT}; returns a failure description, or null. */
    static String catchUp(Pipeline pipeline) throws InterruptedException {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "difftest-" + pipeline.name()));
        try {
            Future<CatchUpReport> run = executor.submit(() -> pipeline.runUntilCaughtUp());
            try {
                CatchUpReport report = run.get(CATCH_UP_LIMIT.toSeconds(), TimeUnit.SECONDS);
                return report.caughtUp() ? null : "the pipeline did not catch up: " + report;
            } catch (TimeoutException e) {
                pipeline.close();
                return "the pipeline did not catch up within " + CATCH_UP_LIMIT.toSeconds() + " s; status "
                        + pipeline.status();
            } catch (ExecutionException e) {
                return "the pipeline failed: " + trace(e.getCause());
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** The exception with its causes, each with its first frames: enough to see where, short enough to read. */
    static String trace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        StringBuilder shortened = new StringBuilder();
        int frames = 0;
        for (String line : out.toString().split("\n")) {
            boolean frame = line.trim().startsWith("at ");
            frames = frame ? frames + 1 : 0;
            if (frames <= 4 && !line.trim().startsWith("...")) {
                shortened.append(line).append('\n');
            }
        }
        return shortened.toString();
    }

    /** Writes everything but the secrets to a properties file (see {@link #secrets()} for those). */
    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("path", path.toString());
        p.setProperty("name", name);
        p.setProperty("incremental", Boolean.toString(incremental));
        p.setProperty("chunkSize", Integer.toString(chunkSize));
        p.setProperty("parallelism", Integer.toString(parallelism));
        p.setProperty("batchSize", Integer.toString(batchSize));
        p.setProperty("namespaceAndName", Boolean.toString(namespaceAndName));
        p.setProperty("dir", dir.toString());
        endpoint(p, "source", sourceDb);
        endpoint(p, "target", targetDb);
        if (bucket != null) {
            p.setProperty("s3.endpoint", bucket.endpoint().toString());
            p.setProperty("s3.bucket", bucket.bucket());
            p.setProperty("s3.region", bucket.region());
            p.setProperty("s3.accessKey", bucket.accessKey());
        }
        if (writerLease != null) {
            p.setProperty("s3.writerLease", writerLease.toString());
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "the pipeline of difftest case " + dir.getFileName() + ", for PipelineChild");
        }
    }

    private static void endpoint(Properties p, String prefix, Endpoint e) {
        if (e != null) {
            p.setProperty(prefix + ".jdbcUrl", e.jdbcUrl());
            p.setProperty(prefix + ".user", e.user());
            p.setProperty(prefix + ".database", e.database());
        }
    }

    /** The passwords and keys, as environment variables for a child. */
    Map<String, String> secrets() {
        Map<String, String> env = new HashMap<>();
        env.put(SOURCE_PASSWORD, sourceDb.password());
        if (targetDb != null) {
            env.put(TARGET_PASSWORD, targetDb.password());
        }
        if (bucket != null) {
            env.put(S3_SECRET_KEY, bucket.secretKey());
        }
        env.values().removeIf(Objects::isNull); // no password: none in the environment either
        return env;
    }

    /** Reads what {@link #write(Path)} wrote, with the secrets from {@code env} (as {@link #secrets()} names them). */
    static CasePipeline read(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Bucket bucket = p.getProperty("s3.bucket") == null ? null : new Bucket(URI.create(p.getProperty(
                "s3.endpoint")), p.getProperty("s3.bucket"), p.getProperty("s3.region"), p.getProperty("s3.accessKey"),
                env.get(S3_SECRET_KEY));
        String lease = p.getProperty("s3.writerLease");
        return new CasePipeline(CasePath.parse(p.getProperty("path")), p.getProperty("name"),
                Boolean.parseBoolean(p.getProperty("incremental")), Integer.parseInt(p.getProperty("chunkSize")),
                Integer.parseInt(p.getProperty("parallelism")), Integer.parseInt(p.getProperty("batchSize")),
                Boolean.parseBoolean(p.getProperty("namespaceAndName")), Path.of(p.getProperty("dir")),
                endpoint(p, "source", env.get(SOURCE_PASSWORD)), endpoint(p, "target", env.get(TARGET_PASSWORD)),
                bucket, lease == null ? null : Duration.parse(lease));
    }

    private static Endpoint endpoint(Properties p, String prefix, String password) {
        String url = p.getProperty(prefix + ".jdbcUrl");
        return url == null ? null : new Endpoint(url, p.getProperty(prefix + ".user"), password,
                p.getProperty(prefix + ".database"));
    }
}

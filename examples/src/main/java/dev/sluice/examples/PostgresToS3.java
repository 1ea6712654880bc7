package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.sink.s3.Partitioning;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.postgres.PostgresSource;
import java.net.URI;
import java.time.Duration;

/**
 * PostgreSQL's log into Parquet on S3, exactly once: the offsets live beside the files. Runs until stopped.
 *
 * <pre>
 * PG_URL=jdbc:postgresql://db:5432/shop PG_USER=cdc PG_PASSWORD=… S3_BUCKET=lake \
 *   java -cp … dev.sluice.examples.PostgresToS3
 * </pre>
 *
 * The user needs LOGIN REPLICATION and SELECT on the tables; the server {@code wal_level=logical}
 * (see docs/source-postgres.md).
 */
public final class PostgresToS3 {

    private PostgresToS3() {}

    static Pipeline pipeline(String url, String user, String password, ParquetSink sink) {
        return Pipeline.builder()
                .name("postgres-to-s3")
                .source(PostgresSource.builder()
                        .jdbcUrl(url)
                        .user(user)
                        .password(password)
                        .tables(TableFilter.include("public.*"))
                        .build())
                .sink(sink)                                // offers its own offset store: exactly once
                .commitInterval(Duration.ofSeconds(30))    // files become visible at each commit
                .build();
    }

    static ParquetSink s3(String bucket, String endpoint) {
        ParquetSink.Builder sink = ParquetSink.builder()
                .s3(bucket, "cdc/postgres")
                .partitionBy(Partitioning.DAY);
        if (endpoint != null) {                           // MinIO, Ceph, …; AWS itself needs none
            sink.endpoint(URI.create(endpoint)).pathStyle(true);
        }
        return sink.build();                              // credentials: the default AWS chain
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline pipeline = pipeline(Env.required("PG_URL"), Env.required("PG_USER"), Env.get("PG_PASSWORD", ""),
                s3(Env.required("S3_BUCKET"), Env.get("S3_ENDPOINT", null)));
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination(Duration.ofDays(36500));
    }
}

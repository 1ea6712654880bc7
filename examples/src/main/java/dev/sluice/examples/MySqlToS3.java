package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.mysql.MySqlSource;
import java.net.URI;
import java.time.Duration;

/**
 * A MySQL/MariaDB {@code category} table into the S3 bucket {@code hive} on a MinIO-style endpoint, from the binlog
 * after a consistent snapshot. Runs until stopped.
 *
 * <pre>
 * MYSQL_URL=jdbc:mysql://db:3306/shop MYSQL_USER=cdc MYSQL_PASSWORD=… \
 * S3_ENDPOINT=http://minio:9000 S3_ACCESS_KEY=… S3_SECRET_KEY=… java -cp … dev.sluice.examples.MySqlToS3
 * </pre>
 *
 * The server needs {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code binlog_row_metadata=FULL}; the
 * user REPLICATION SLAVE, REPLICATION CLIENT and SELECT (see docs/source-mysql.md).
 */
public final class MySqlToS3 {

    private MySqlToS3() {}

    static Pipeline pipeline(String url, String user, String password, String database, ParquetSink sink) {
        return Pipeline.builder()
                .name("mysql-to-s3")
                .source(MySqlSource.builder()
                        .jdbcUrl(url)
                        .user(user)
                        .password(password)
                        .tables(TableFilter.include(database + ".category"))
                        .build())
                .sink(sink)
                .commitInterval(Duration.ofSeconds(10))
                .build();
    }

    static ParquetSink minio(String bucket, URI endpoint, String accessKey, String secretKey) {
        return ParquetSink.builder()
                .s3(bucket, "shop")
                .endpoint(endpoint)
                .region("us-east-1")
                .pathStyle(true)                            // MinIO and most S3-compatible stores
                .credentials(accessKey, secretKey)
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline pipeline = pipeline(Env.required("MYSQL_URL"), Env.required("MYSQL_USER"),
                Env.get("MYSQL_PASSWORD", ""), Env.get("MYSQL_DATABASE", "shop"),
                minio("hive", URI.create(Env.required("S3_ENDPOINT")), Env.required("S3_ACCESS_KEY"),
                        Env.required("S3_SECRET_KEY")));
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination(Duration.ofDays(36500));
    }
}

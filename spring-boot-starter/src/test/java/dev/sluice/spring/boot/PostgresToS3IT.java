package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PipelineState;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * PostgreSQL to Parquet in an S3 bucket (an in-process S3Proxy), the bucket, endpoint, region, path style and
 * credentials given as properties; under Boot's dependency management but for the documented jackson-annotations
 * override that S3Proxy needs.
 */
@ExtendWith({PostgresExtension.class, S3Extension.class})
class PostgresToS3IT {

    @Test
    void writesToTheBucketThePropertiesName(PostgresDatabase db, S3Bucket bucket, @TempDir Path download)
            throws Exception {
        db.execute("CREATE TABLE starter_orders (id int PRIMARY KEY, item text NOT NULL, qty int NOT NULL)",
                "INSERT INTO starter_orders VALUES (1, 'apple', 3), (2, 'pear', 5)");
        String at = "sluice.pipelines.starter-pg-s3.";
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues(
                        at + "source.type=postgres",
                        at + "source.url=" + db.jdbcUrl(),
                        at + "source.user=" + db.user(),
                        at + "source.password=" + db.password(),
                        at + "source.tables=public.starter_orders",
                        at + "sink.s3.bucket=" + bucket.bucket(),
                        at + "sink.s3.prefix=cdc/shop",
                        at + "sink.s3.endpoint=" + bucket.endpoint(),
                        at + "sink.s3.region=" + bucket.region(),
                        at + "sink.s3.path-style=true",
                        at + "sink.s3.access-key=" + bucket.accessKey(),
                        at + "sink.s3.secret-key=" + bucket.secretKey(),
                        at + "commit-interval=200ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SluicePipeline pipeline = context.getBean(SluicePipeline.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (pipeline.status().eventsCommitted() < 3 && System.nanoTime() < deadline) {
                        Thread.sleep(50); // the truncate marker and two rows
                    }
                    assertThat(pipeline.status().state()).isEqualTo(PipelineState.RUNNING);
                });

        try (S3Client s3 = S3Client.builder().endpointOverride(bucket.endpoint()).forcePathStyle(true)
                .region(Region.of(bucket.region())).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey()))).build()) {
            List<S3Object> files = s3.listObjectsV2(b -> b.bucket(bucket.bucket()).prefix("cdc/shop/public/starter_orders/"))
                    .contents().stream().filter(o -> o.key().endsWith(".parquet")).toList();
            assertThat(files).isNotEmpty();
            for (S3Object file : files) {
                Path local = download.resolve("public/starter_orders").resolve(file.key().replace('/', '_'));
                Files.createDirectories(local.getParent());
                s3.getObject(b -> b.bucket(bucket.bucket()).key(file.key()), local);
            }
        }
        assertThat(Lake.rows(download, "public", "starter_orders", "id", "id, item, qty"))
                .containsExactly("1|apple|3", "2|pear|5");
    }
}

package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClients;
import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MongoEndpoint;
import dev.sluice.testkit.MongoExtension;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests: each example's pipeline, as the example builds it, against the local servers. */
@ExtendWith({PostgresExtension.class, MariaDbExtension.class, S3Extension.class, MongoExtension.class})
class ExamplesIT {

    @Test
    void postgresToS3(PostgresDatabase pg, S3Bucket s3) throws Exception {
        pg.execute("CREATE TABLE category (id int PRIMARY KEY, name text)",
                "INSERT INTO category VALUES (1, 'apparel'), (2, 'food'), (3, 'furniture')");
        ParquetSink sink = ParquetSink.builder().s3(s3.bucket(), "cdc/postgres").endpoint(s3.endpoint())
                .region(s3.region()).pathStyle(true).credentials(s3.accessKey(), s3.secretKey()).build();

        CatchUpReport report = PostgresToS3.pipeline(pg.jdbcUrl(), pg.user(), pg.password(), sink).runUntilCaughtUp();

        assertThat(report.events()).as("the snapshot's truncate, then 3 rows").isEqualTo(4);
    }

    @Test
    void mySqlToS3(MariaDbDatabase maria, S3Bucket s3) throws Exception {
        maria.execute("CREATE TABLE category (id int PRIMARY KEY, name varchar(32))",
                "INSERT INTO category VALUES (1, 'apparel'), (2, 'food'), (3, 'furniture'), (4, 'grocery')");
        ParquetSink sink = MySqlToS3.minio(s3.bucket(), s3.endpoint(), s3.accessKey(), s3.secretKey());

        CatchUpReport report = MySqlToS3.pipeline(maria.jdbcUrl(), maria.user(), maria.password(), maria.name(), sink)
                .runUntilCaughtUp();

        assertThat(report.events()).as("the snapshot's truncate, then 4 rows").isEqualTo(5);
    }

    @Test
    void postgresToMySql(PostgresDatabase pg, MariaDbDatabase maria) throws Exception {
        pg.execute("CREATE TABLE category (id int PRIMARY KEY, name text)",
                "INSERT INTO category VALUES (1, 'apparel'), (2, 'food')");
        Pipeline pipeline = PostgresToMySql.pipeline(pg.jdbcUrl(), pg.user(), pg.password(), maria.jdbcUrl(),
                maria.user(), maria.password());

        assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();

        try (Connection connection = maria.connect();
                var rows = connection.createStatement().executeQuery("SELECT name FROM category ORDER BY id")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            assertThat(names).containsExactly("apparel", "food");
        }
    }

    @Test
    void mongoToLake(MongoEndpoint mongo, @TempDir Path lake) throws Exception {
        try (var client = MongoClients.create(mongo.connectionString())) {
            client.getDatabase(mongo.database()).getCollection("orders")
                    .insertOne(new Document("_id", 1).append("total", new org.bson.types.Decimal128(12)));
        }
        Pipeline pipeline = MongoToS3.pipeline(mongo.connectionString(), mongo.database(),
                ParquetSink.builder().localFolder(lake).build());

        assertThat(pipeline.runUntilCaughtUp().events()).isEqualTo(1);
        try (Stream<Path> files = Files.walk(lake.resolve(mongo.database()))) {
            assertThat(files.filter(f -> f.toString().endsWith(".parquet"))).hasSize(1);
        }
    }

    @Test
    void embeddedServiceStartsReportsAndStops(PostgresDatabase pg, @TempDir Path lake) throws Exception {
        pg.execute("CREATE TABLE category (id int PRIMARY KEY, name text)");
        EmbeddedService service = new EmbeddedService(() -> Pipeline.builder()
                .name("service")
                .source(dev.sluice.source.postgres.PostgresSource.builder().jdbcUrl(pg.jdbcUrl()).user(pg.user())
                        .password(pg.password()).build())
                .sink(ParquetSink.builder().localFolder(lake).build())
                .offsetStore(new InMemoryOffsetStore())
                .commitInterval(Duration.ofMillis(200)));

        service.start();
        assertThat(service.healthy()).isTrue();
        service.stop();

        assertThat(service.healthy()).isFalse();
        assertThat(service.status().state()).isEqualTo(PipelineState.CLOSED);
    }

    @Test
    void triggerCapture(PostgresDatabase pg, @TempDir Path dir) throws Exception {
        pg.execute("CREATE TABLE orders (id int PRIMARY KEY, status text)", "CREATE TABLE product (id int PRIMARY KEY)");
        dev.sluice.source.postgres.PostgresSource source = TriggerCapture.source(pg.jdbcUrl(), pg.user(), pg.password());
        source.installTriggers();
        pg.execute("INSERT INTO orders VALUES (1, 'placed')", "UPDATE orders SET status = 'shipped'",
                "DELETE FROM orders");

        CatchUpReport report = TriggerCapture.pipeline(source, dir.resolve("lake"), dir.resolve("offsets"))
                .runUntilCaughtUp();

        assertThat(report.events()).isEqualTo(3);
    }

    @Test
    void timestampCapture(PostgresDatabase pg, @TempDir Path lake) throws Exception {
        pg.execute("CREATE TABLE orders (id int PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now(),"
                + " deleted_at timestamptz)", "INSERT INTO orders (id) VALUES (1), (2)",
                "UPDATE orders SET deleted_at = now() WHERE id = 2");
        Thread.sleep(1100); // past the clock-skew margin

        CatchUpReport report = TimestampCapture.pipeline(pg.jdbcUrl(), pg.user(), pg.password(), lake)
                .runUntilCaughtUp();

        assertThat(report.events()).isEqualTo(2);
    }
}

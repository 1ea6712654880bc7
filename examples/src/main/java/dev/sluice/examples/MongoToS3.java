package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.Type;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.mongo.MongoSource;
import dev.sluice.source.mongo.StartupMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A MongoDB database's collections into Parquet: existing documents first, then every change. Each row has the
 * {@code _id}, the document as JSON, and two fields promoted to typed columns. Runs until stopped.
 *
 * <pre>
 * MONGO_URI='mongodb://cdc:…@db1,db2,db3/?replicaSet=rs0' LAKE=./lake java -cp … dev.sluice.examples.MongoToS3
 * </pre>
 */
public final class MongoToS3 {

    private MongoToS3() {}

    static Pipeline pipeline(String connectionString, String database, ParquetSink sink) {
        return Pipeline.builder()
                .name("mongo-to-lake")
                .source(MongoSource.builder()
                        .connectionString(connectionString)
                        .database(database)
                        .startupMode(StartupMode.COPY_EXISTING)
                        .promote("total", Type.decimal())
                        .promote("placedAt", Type.TIMESTAMP_TZ)
                        .build())
                .sink(sink)
                .commitInterval(Duration.ofSeconds(10))
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline pipeline = pipeline(Env.required("MONGO_URI"), Env.get("MONGO_DATABASE", "shop"),
                ParquetSink.builder().localFolder(Path.of(Env.get("LAKE", "lake"))).build());
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination(Duration.ofDays(36500));
    }
}

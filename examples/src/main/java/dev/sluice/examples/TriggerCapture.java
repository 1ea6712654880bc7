package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.postgres.PostgresSource;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trigger capture, for a database where you may not have replication rights: row triggers record every insert,
 * update and delete (and truncate) into a change table, which the pipeline reads and prunes once committed.
 *
 * <pre>
 * PG_URL=jdbc:postgresql://db:5432/shop PG_USER=app PG_PASSWORD=… java -cp … dev.sluice.examples.TriggerCapture
 * </pre>
 *
 * The user needs to create triggers on the tables (their owner, usually). See docs/capture.md.
 */
public final class TriggerCapture {

    private TriggerCapture() {}

    static PostgresSource source(String url, String user, String password) {
        return PostgresSource.builder()
                .jdbcUrl(url).user(user).password(password)
                .tables(TableFilter.include("public.orders", "public.product"))
                .capture(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(500))
                .build();
    }

    static Pipeline pipeline(PostgresSource source, Path lake, Path offsets) {
        return Pipeline.builder()
                .name("trigger-capture")
                .source(source)
                .sink(ParquetSink.builder().localFolder(lake).build())
                .offsetStore(FileOffsetStore.in(offsets))   // any store works; the sink's own gives exactly once
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        PostgresSource source = source(Env.required("PG_URL"), Env.required("PG_USER"), Env.get("PG_PASSWORD", ""));
        source.installTriggers();                           // idempotent: safe at every start
        Pipeline pipeline = pipeline(source, Path.of("lake"), Path.of("offsets"));
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination(Duration.ofDays(36500));
    }
}

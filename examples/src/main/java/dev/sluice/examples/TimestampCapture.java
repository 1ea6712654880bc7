package dev.sluice.examples;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.capture.Capture;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.postgres.PostgresSource;
import java.nio.file.Path;

/**
 * Timestamp capture, for a read-only user: polls each table on its update-time column, never missing a row that
 * commits late or shares a timestamp. It cannot see deletes unless rows are soft-deleted (here: {@code deleted_at}
 * set). Run from a scheduler: each run catches up and exits.
 *
 * <pre>
 * PG_URL=jdbc:postgresql://db:5432/shop PG_USER=reader PG_PASSWORD=… java -cp … dev.sluice.examples.TimestampCapture
 * </pre>
 */
public final class TimestampCapture {

    private TimestampCapture() {}

    static Pipeline pipeline(String url, String user, String password, Path lake) {
        return Pipeline.builder()
                .name("timestamp-capture")
                .source(PostgresSource.builder()
                        .jdbcUrl(url).user(user).password(password)
                        .tables(TableFilter.include("public.orders"))
                        .capture(Capture.TIMESTAMP)
                        .timestampColumn("updated_at")
                        .softDeleteColumn("deleted_at")
                        .build())
                .sink(ParquetSink.builder().localFolder(lake).build())
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        CatchUpReport report = pipeline(Env.required("PG_URL"), Env.required("PG_USER"), Env.get("PG_PASSWORD", ""),
                Path.of(Env.get("LAKE", "lake"))).runUntilCaughtUp();
        System.out.println("captured " + report.events() + " changes in " + report.duration().toMillis() + " ms");
    }
}

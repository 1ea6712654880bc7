package dev.sluice.benchmarks;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.PipelineStatus;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.sink.s3.Partitioning;
import dev.sluice.source.postgres.PostgresSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * One run of a Sluice pipeline into a {@link ParquetSink} on a local folder (default writer settings: zstd 3,
 * 32 MiB row groups, 1 MiB pages; no partitioning, like the Debezium side), with the sink's own exactly-once
 * offset store, until caught up with the log position seen at the start.
 */
final class SluiceRun {

    private SluiceRun() {}

    /** Runs until caught up; returns the bytes of the Parquet files written. */
    static long run(RunSpec spec) throws Exception {
        ParquetSink sink = ParquetSink.builder()
                .localFolder(spec.output())
                .partitionBy(Partitioning.NONE)
                .build();
        Pipeline.Builder builder = Pipeline.builder()
                .name("bench")
                .source(source(spec))
                .sink(sink)
                .commitInterval(Duration.ofMillis(spec.commitMillis()));
        if (!spec.postgres() && !spec.workload().snapshot()) {
            builder.offsetStore(MariaDbSources.seededStore(spec, "bench", spec.output().resolve("_offsets")));
        }
        try (Pipeline pipeline = builder.build()) {
            if (spec.workload() == Workload.LAT) {
                live(pipeline, spec.expected());
                return parquetBytes(spec.output());
            }
            CatchUpReport report = pipeline.runUntilCaughtUp();
            if (!report.caughtUp()) {
                throw new IllegalStateException("the pipeline stopped before it caught up: " + report);
            }
        }
        return parquetBytes(spec.output());
    }

    /** Runs the pipeline live until {@code expected} events are committed. */
    private static void live(Pipeline pipeline, long expected) throws InterruptedException {
        pipeline.start();
        while (true) {
            PipelineStatus status = pipeline.status();
            if (status.eventsCommitted() >= expected) {
                return;
            }
            if (status.state().isTerminal()) {
                throw new IllegalStateException("the pipeline ended after " + status.eventsCommitted() + " of "
                        + expected + " events", status.failure());
            }
            Thread.sleep(20);
        }
    }

    private static Source source(RunSpec spec) {
        if (!spec.postgres()) {
            return MariaDbSources.sluice(spec);
        }
        return PostgresSource.builder()
                .jdbcUrl("jdbc:postgresql://" + spec.server().host() + ":" + spec.server().port() + "/" + spec.dbName())
                .user(spec.server().user())
                .password(spec.server().password())
                .tables(TableFilter.include("public.bench"))
                .slotName(spec.slot())
                .publicationName(spec.publication())
                .snapshotMode(spec.workload().snapshotMode())
                .snapshotParallelism(spec.workload().snapshotParallelism())
                .build();
    }

    static long parquetBytes(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

package dev.sluice.sink.s3;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link CrashIT}: runs the generator into a {@link ParquetSink} with the sink's own offset store
 * until caught up, unless it is killed first. Args: {@code total local <folder>} or
 * {@code total s3 <endpoint> <bucket> <accessKey> <secretKey>}.
 */
public final class CrashChild {

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        ParquetSink.Builder sink = ParquetSink.builder().partitionBy(Partitioning.DAY).maxFileRows(700);
        if (args[1].equals("local")) {
            sink.localFolder(Path.of(args[2]));
        } else {
            // a killed child's lease blocks the next start until it runs out: keep it short
            sink.s3(args[3], "crash").endpoint(URI.create(args[2])).pathStyle(true).credentials(args[4], args[5])
                    .writerLease(Duration.ofSeconds(1));
        }
        Pipeline pipeline = Pipeline.builder()
                .name("crash")
                .source(new GeneratorSource(total, 10, 5))
                .sink(sink.build())
                .commitInterval(Duration.ofMillis(100))
                .batchSize(100)
                .batchDelay(Duration.ofMillis(5))
                .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .build();
        CatchUpReport report = pipeline.runUntilCaughtUp();
        System.out.println("CAUGHT-UP " + report.caughtUp());
        System.exit(report.caughtUp() ? 0 : 3);
    }
}

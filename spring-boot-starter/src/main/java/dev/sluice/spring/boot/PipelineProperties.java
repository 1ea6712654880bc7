package dev.sluice.spring.boot;

import dev.sluice.Pipeline;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One pipeline: {@code sluice.pipelines.<name>.*}. Options left out keep the builders' defaults (see
 * {@link Pipeline.Builder}). Immutable.
 *
 * @param enabled false skips the pipeline: no bean, nothing started (default true)
 * @param autoStartup false builds (and so checks) the pipeline but leaves starting it to the application:
 *     {@link SluicePipeline#start()} (default true)
 * @param startAndAwait true (the default) starts with {@link Pipeline#startAndAwait(Duration)}, so a pipeline that
 *     cannot open its source or sink fails the application's start; false starts in the background
 *     ({@link Pipeline#start()}) and the health indicator shows how it goes
 * @param source where changes come from
 * @param sink where they go
 * @param offsetStore where the position is kept (default: the sink's own, exactly once)
 * @param commitInterval {@link Pipeline.Builder#commitInterval(Duration)}
 * @param startTimeout {@link Pipeline.Builder#startTimeout(Duration)}; also how long {@code start-and-await} waits
 * @param closeTimeout {@link Pipeline.Builder#closeTimeout(Duration)}
 * @param retry how the pipeline recovers from retriable failures
 */
public record PipelineProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean autoStartup,
        @DefaultValue("true") boolean startAndAwait,
        SourceProperties source,
        SinkProperties sink,
        @DefaultValue OffsetStoreProperties offsetStore,
        Duration commitInterval,
        Duration startTimeout,
        Duration closeTimeout,
        @DefaultValue RetryProperties retry) {

    /**
     * {@code sluice.pipelines.<name>.retry.*}: {@link dev.sluice.RetryPolicy}. Left out, the pipeline retries without
     * limit (1 s doubling to 1 min).
     *
     * @param maxAttempts failures in a row to recover from before failing (0 fails at the first)
     * @param maxDuration how long failures may go on without a commit before failing
     * @param initialBackoff the wait before the first reopening (default 1 s)
     * @param maxBackoff the longest wait between reopenings (default 1 min)
     */
    public record RetryProperties(Integer maxAttempts, Duration maxDuration, Duration initialBackoff,
            Duration maxBackoff) {}
}

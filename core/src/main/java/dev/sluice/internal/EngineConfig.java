package dev.sluice.internal;

import dev.sluice.OffsetStore;
import dev.sluice.PipelineListener;
import dev.sluice.RetryPolicy;
import dev.sluice.Sink;
import dev.sluice.Source;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything the engine runs with, checked by {@code Pipeline.Builder} before it gets here.
 *
 * @param maxBatchBytes the most estimated bytes of events handed to the sink in one write (one larger event
 *     still goes, alone)
 * @param retryPolicy when and how often to reopen after retriable failures
 * @param startTimeout how long the first opening of source and sink may keep failing before the pipeline fails
 */
public record EngineConfig(
        String name,
        Source source,
        Sink sink,
        OffsetStore offsetStore,
        Duration commitInterval,
        int batchSize,
        long maxBatchBytes,
        Duration batchDelay,
        int maxQueueEvents,
        long maxQueueBytes,
        RetryPolicy retryPolicy,
        Duration closeTimeout,
        Duration startTimeout,
        List<PipelineListener> listeners,
        Clock clock) {

    public EngineConfig {
        listeners = List.copyOf(listeners);
    }
}

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

    /**
     * Copies the listener list.
     *
     * @param name the pipeline's name
     * @param source the source
     * @param sink the sink
     * @param offsetStore where offsets are saved (a {@link SinkOffsets} for offsets committed with the data)
     * @param commitInterval the time between commits
     * @param batchSize the most events per write
     * @param maxBatchBytes the most estimated bytes per write
     * @param batchDelay how long a batch may wait for more events
     * @param maxQueueEvents the most events queued between capture and sink
     * @param maxQueueBytes the most estimated bytes queued
     * @param retryPolicy when and how often to reopen
     * @param closeTimeout how long a close may take
     * @param startTimeout how long the first opening may keep failing
     * @param listeners the listeners, not null; copied
     * @param clock the clock for commit times and lag
     */
    public EngineConfig {
        listeners = List.copyOf(listeners);
    }
}

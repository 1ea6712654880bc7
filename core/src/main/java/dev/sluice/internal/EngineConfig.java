package dev.sluice.internal;

import dev.sluice.OffsetStore;
import dev.sluice.PipelineListener;
import dev.sluice.Sink;
import dev.sluice.Source;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything the engine runs with, checked by {@code Pipeline.Builder} before it gets here.
 *
 * @param maxRetries consecutive failed attempts allowed before the pipeline fails; a commit resets the count
 */
public record EngineConfig(
        String name,
        Source source,
        Sink sink,
        OffsetStore offsetStore,
        Duration commitInterval,
        int batchSize,
        Duration batchDelay,
        int maxQueueEvents,
        long maxQueueBytes,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxRetries,
        Duration closeTimeout,
        List<PipelineListener> listeners,
        Clock clock) {

    public EngineConfig {
        listeners = List.copyOf(listeners);
    }

    /** The wait before reopening after the {@code attempt}-th consecutive failure (1-based): doubling, capped. */
    Duration backoff(int attempt) {
        Duration delay = initialBackoff;
        for (int i = 1; i < attempt && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}

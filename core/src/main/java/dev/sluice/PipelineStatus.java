package dev.sluice;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a pipeline's state and counters, taken by {@link Pipeline#status()}. Immutable.
 *
 * @param pipelineName the pipeline's name
 * @param state where the pipeline is in its life
 * @param eventsCaptured events taken from the source, counting those captured again after a recovery
 * @param eventsWritten events handed to the sink, counting those written again after a recovery
 * @param eventsCommitted events whose offset has been committed: durable downstream
 * @param commits commit cycles completed (flush, save offset, acknowledge to the source)
 * @param recoveries times the pipeline reopened its source and sink after a failure
 * @param queuedEvents events waiting between the capture thread and the sink thread now
 * @param queuedBytes the estimated size of those events, bounded by the pipeline's queue byte limit
 * @param lastCommittedOffset the offset committed last (loaded from the store at start), or null if none
 * @param lastCommitTime when the pipeline last committed, or null if it has not in this run
 * @param lag the age of the newest thing committed when it was committed: commit instant minus the newest event's
 *     source commit time, or minus when the source last reported a position with nothing newer (an idle source
 *     shows the commit's own delay); {@link Duration#ZERO} before the first commit
 * @param eventsPerTable committed events per table in this run (snapshot rows included), as of the last commit
 * @param failure why the pipeline failed, or the failure it recovered from until its next commit, or null
 * @param snapshot the snapshot the source is reading, as of its last poll, or null when it reads none
 * @param sourceHealth the source's backlog and retention risk as last measured ({@link ChangeStream#health()});
 *     {@link SourceHealth.Risk#UNKNOWN} while the source is not open or cannot tell
 */
public record PipelineStatus(
        String pipelineName,
        PipelineState state,
        long eventsCaptured,
        long eventsWritten,
        long eventsCommitted,
        long commits,
        long recoveries,
        int queuedEvents,
        long queuedBytes,
        Offset lastCommittedOffset,
        Instant lastCommitTime,
        Duration lag,
        Map<TableId, Long> eventsPerTable,
        Throwable failure,
        SnapshotStatus snapshot,
        SourceHealth sourceHealth) {

    /**
     * Copies the per-table map; a null source health is unknown.
     *
     * @param pipelineName the pipeline's name
     * @param state the state
     * @param eventsCaptured events captured, 0 or more
     * @param eventsWritten events written, 0 or more
     * @param eventsCommitted events committed, 0 or more
     * @param commits commit cycles, 0 or more
     * @param recoveries recoveries, 0 or more
     * @param queuedEvents events queued now, 0 or more
     * @param queuedBytes their estimated size in bytes
     * @param lastCommittedOffset the last committed offset, or null
     * @param lastCommitTime the last commit's time, or null
     * @param lag the lag, not null
     * @param eventsPerTable the committed events per table, not null; copied
     * @param failure the current or last failure, or null
     * @param snapshot the snapshot's progress, or null
     * @param sourceHealth the source's health, or null for unknown
     */
    public PipelineStatus {
        eventsPerTable = Map.copyOf(eventsPerTable);
        if (sourceHealth == null) {
            sourceHealth = SourceHealth.unknown("the source is not open");
        }
    }
}

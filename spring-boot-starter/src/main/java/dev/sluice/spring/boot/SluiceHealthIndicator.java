package dev.sluice.spring.boot;

import dev.sluice.PipelineStatus;
import dev.sluice.SnapshotStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one pipeline, from its {@link PipelineStatus}: UP while RUNNING (and once COMPLETED, a snapshot-only
 * run that ended well), OUT_OF_SERVICE while STARTING, RECOVERING, CLOSING or CLOSED, DOWN when FAILED, UNKNOWN
 * before it starts. Details: state, lag, last commit time, events committed, commits, recoveries, the failure's
 * message while there is one, and the snapshot's progress while it reads one. Cheap: reads a status snapshot.
 */
public final class SluiceHealthIndicator implements HealthIndicator {

    private final SluicePipeline pipeline;

    /**
     * The health of a pipeline.
     *
     * @param pipeline the pipeline whose status it reports
     */
    public SluiceHealthIndicator(SluicePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        PipelineStatus status = pipeline.status();
        Health.Builder health = switch (status.state()) {
            case RUNNING, COMPLETED -> Health.up();
            case STARTING, RECOVERING, CLOSING, CLOSED -> Health.outOfService();
            case FAILED -> Health.down();
            case NEW -> Health.unknown();
        };
        health.withDetail("state", status.state().name())
                .withDetail("lag", status.lag().toString())
                .withDetail("lastCommitTime", status.lastCommitTime() == null ? "none"
                        : status.lastCommitTime().toString())
                .withDetail("eventsCommitted", status.eventsCommitted())
                .withDetail("commits", status.commits())
                .withDetail("recoveries", status.recoveries());
        if (status.failure() != null) {
            health.withDetail("failure", status.failure().getClass().getSimpleName() + ": "
                    + status.failure().getMessage());
        }
        if (status.snapshot() != null) {
            health.withDetail("snapshot", snapshot(status.snapshot()));
        }
        return health.build();
    }

    private static Map<String, Object> snapshot(SnapshotStatus snapshot) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("table", snapshot.table() == null ? "none" : snapshot.table().toString());
        details.put("tablesDone", snapshot.tablesDone());
        details.put("tablesTotal", snapshot.tablesTotal());
        details.put("rowsRead", snapshot.rowsRead());
        details.put("rowsEstimated", snapshot.rowsEstimated());
        details.put("percent", snapshot.percent());
        return details;
    }
}

package dev.sluice.spring.boot;

import dev.sluice.Pipeline;
import dev.sluice.micrometer.SluiceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SluiceMetrics} for each pipeline: added as its listener before it is built (so it counts from the first
 * event), then told the pipeline and bound to the registry. A pipeline built again (the context restarted) gets new
 * metrics; the registry keeps the meters first registered under the same names and tags, so after a restart the
 * gauges read the first run's pipeline.
 */
final class MetricsCustomizer implements SluicePipelineCustomizer {

    private final MeterRegistry registry;
    private final Map<String, SluiceMetrics> building = new ConcurrentHashMap<>();

    MetricsCustomizer(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void customize(String pipelineName, Pipeline.Builder builder) {
        SluiceMetrics metrics = new SluiceMetrics();
        building.put(pipelineName, metrics);
        builder.listener(metrics);
    }

    @Override
    public void built(Pipeline pipeline) {
        SluiceMetrics metrics = building.remove(pipeline.name());
        if (metrics != null) {
            metrics.monitor(pipeline).bindTo(registry);
        }
    }
}

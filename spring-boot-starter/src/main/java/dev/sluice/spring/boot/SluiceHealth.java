package dev.sluice.spring.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.health.contributor.CompositeHealthContributor;

/**
 * The {@code sluice} health contributor: one {@link SluiceHealthIndicator} per pipeline, by pipeline name
 * ({@code /actuator/health/sluice/<name>}). Loaded only when Boot's health support is on the class path.
 */
final class SluiceHealth {

    static final String BEAN_NAME = "sluiceHealthContributor";

    private SluiceHealth() {}

    static void register(BeanRegistry registry, List<String> pipelines) {
        registry.registerBean(BEAN_NAME, CompositeHealthContributor.class, spec -> spec
                .description("the health of each Sluice pipeline")
                .supplier(context -> {
                    Map<String, SluiceHealthIndicator> indicators = new LinkedHashMap<>();
                    for (String name : pipelines) {
                        indicators.put(name, new SluiceHealthIndicator(
                                context.bean(PipelineRegistrar.BEAN_PREFIX + name, SluicePipeline.class)));
                    }
                    return CompositeHealthContributor.fromMap(indicators);
                }));
    }
}

package dev.sluice.spring.boot;

import dev.sluice.Pipeline;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Runs the pipelines declared under {@code sluice.pipelines}: one {@link SluicePipeline} bean each (a
 * {@link org.springframework.context.SmartLifecycle}), the {@code sluice} health contributor when Boot's health
 * support is present, a {@code SluiceMetrics} per pipeline bound to the application's {@code MeterRegistry} when
 * {@code sluice-micrometer} is present, and the {@link SluicePipelineCustomizer} beans applied to every pipeline's
 * builder. After Boot's metrics auto-configuration, whose registry the metrics need. See
 * {@code docs/spring-boot.md}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(Pipeline.class)
@EnableConfigurationProperties(SluiceProperties.class)
@Import({PipelineRegistrar.class, SluiceMetricsConfiguration.class})
public class SluiceAutoConfiguration {}

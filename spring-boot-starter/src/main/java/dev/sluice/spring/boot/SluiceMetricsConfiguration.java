package dev.sluice.spring.boot;

import dev.sluice.micrometer.SluiceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code sluice-micrometer} on the class path and a {@link MeterRegistry} bean (Boot's metrics
 * auto-configuration makes one), a {@link SluiceMetrics} per pipeline bound to that registry: the {@code sluice.*}
 * meters tagged {@code pipeline=<name>}. Imported by {@link SluiceAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({SluiceMetrics.class, MeterRegistry.class})
class SluiceMetricsConfiguration {

    /** Adds the metrics to every pipeline's builder and binds them once the pipeline is built. */
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    SluicePipelineCustomizer sluiceMetricsCustomizer(MeterRegistry registry) {
        return new MetricsCustomizer(registry);
    }
}

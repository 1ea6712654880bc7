package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The metrics of each pipeline, bound to the application's registry; none without one. */
class SluiceMetricsConfigurationTest {

    private static final String AT = "sluice.pipelines.starter-metrics.";

    @TempDir
    Path lake;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues(AT + "auto-startup=false", AT + "source.type=postgres",
                        AT + "source.url=jdbc:postgresql://127.0.0.1:1/nowhere", AT + "source.user=nobody",
                        AT + "sink.folder=" + lake);
    }

    @Test
    void eachPipelinesMetersAreBoundToTheApplicationsRegistry() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("sluice.events.committed").tag("pipeline", "starter-metrics").functionCounter()
                    .count()).isZero();
            assertThat(registry.get("sluice.state").tag("pipeline", "starter-metrics").tag("state", "new").gauge()
                    .value()).isEqualTo(1);
        });
    }

    @Test
    void withoutARegistryThereAreNoMetrics() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("sluiceMetricsCustomizer");
        });
    }
}

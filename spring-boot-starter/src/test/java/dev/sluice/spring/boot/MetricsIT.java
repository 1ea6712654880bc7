package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A running pipeline's meters in the application's registry follow its status. */
@ExtendWith(PostgresExtension.class)
class MetricsIT {

    @Test
    void theCommittedCounterFollowsTheRunningPipeline(PostgresDatabase db, @TempDir Path lake) throws Exception {
        db.execute("CREATE TABLE starter_metrics (id int PRIMARY KEY)", "INSERT INTO starter_metrics VALUES (1), (2)");
        String at = "sluice.pipelines.starter-pg-metrics.";
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues(at + "source.type=postgres", at + "source.url=" + db.jdbcUrl(),
                        at + "source.user=" + db.user(), at + "source.password=" + db.password(),
                        at + "source.tables=public.starter_metrics", at + "sink.folder=" + lake,
                        at + "commit-interval=200ms")
                .run(context -> {
                    SluicePipeline pipeline = context.getBean(SluicePipeline.class);
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (pipeline.status().eventsCommitted() < 3 && System.nanoTime() < deadline) {
                        Thread.sleep(50); // the snapshot's truncate marker and two rows
                    }
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("sluice.events.committed").tag("pipeline", "starter-pg-metrics")
                            .functionCounter().count()).isEqualTo(3);
                    assertThat(registry.get("sluice.state").tag("pipeline", "starter-pg-metrics")
                            .tag("state", "running").gauge().value()).isEqualTo(1);
                });
    }
}

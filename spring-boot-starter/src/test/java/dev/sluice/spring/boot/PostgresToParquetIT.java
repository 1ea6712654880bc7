package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real pipeline run by the auto-configuration: PostgreSQL (the local server) to Parquet in a temporary folder,
 * declared only in properties, started and stopped by the application context's lifecycle.
 */
@ExtendWith(PostgresExtension.class)
class PostgresToParquetIT {

    @TempDir
    Path lake;

    private ApplicationContextRunner runner(PostgresDatabase db, String pipeline) throws Exception {
        db.execute("CREATE TABLE starter_orders (id int PRIMARY KEY, item text NOT NULL, qty int NOT NULL)",
                "INSERT INTO starter_orders VALUES (1, 'apple', 3)");
        String at = "sluice.pipelines." + pipeline + ".";
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues(
                        at + "source.type=postgres",
                        at + "source.url=" + db.jdbcUrl(),
                        at + "source.user=" + db.user(),
                        at + "source.password=" + db.password(),
                        at + "source.tables=public.starter_orders",
                        at + "sink.type=parquet",
                        at + "sink.folder=" + lake,
                        at + "commit-interval=200ms",
                        at + "start-timeout=30s");
    }

    private static HealthIndicator health(ConfigurableApplicationContext context, String pipeline) {
        return (HealthIndicator) context.getBean(SluiceHealth.BEAN_NAME, CompositeHealthContributor.class)
                .getContributor(pipeline);
    }

    private static PipelineStatus await(SluicePipeline pipeline, Predicate<PipelineStatus> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        PipelineStatus status = pipeline.status();
        while (!until.test(status)) {
            assertThat(System.nanoTime()).as("waiting for %s", status).isLessThan(deadline);
            Thread.sleep(50);
            status = pipeline.status();
        }
        return status;
    }

    @Test
    void capturesRowsIntoParquetAndReportsUp(PostgresDatabase db) throws Exception {
        runner(db, "starter-pg-lake").run(context -> {
            assertThat(context).hasNotFailed();
            SluicePipeline pipeline = context.getBean(SluicePipeline.class);
            // start-and-await: the context's start returned with the source and sink open
            assertThat(pipeline.isRunning()).isTrue();
            assertThat(pipeline.status().state()).isEqualTo(PipelineState.RUNNING);

            db.execute("INSERT INTO starter_orders VALUES (2, 'pear', 5)",
                    "UPDATE starter_orders SET qty = 4 WHERE id = 1");
            await(pipeline, s -> s.eventsCommitted() >= 3);

            assertThat(Lake.rows(lake, "public", "starter_orders", "id", "id, item, qty"))
                    .containsExactly("1|apple|4", "2|pear|5");
            Health health = health(context, "starter-pg-lake").health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("state", "RUNNING").containsKeys("lag", "lastCommitTime");
            assertThat((Long) health.getDetails().get("eventsCommitted")).isGreaterThanOrEqualTo(3L);
            assertThat(health.getDetails().get("lastCommitTime")).isNotEqualTo("none");
        });
    }

    @Test
    void closingTheContextCommitsWhatWasCaptured(PostgresDatabase db) throws Exception {
        SluicePipeline[] stopped = new SluicePipeline[1];
        runner(db, "starter-pg-close").withPropertyValues("sluice.pipelines.starter-pg-close.commit-interval=1h")
                .run(context -> {
                    SluicePipeline pipeline = context.getBean(SluicePipeline.class);
                    db.execute("INSERT INTO starter_orders VALUES (2, 'pear', 5)");
                    await(pipeline, s -> s.eventsWritten() >= 2);
                    stopped[0] = pipeline;
                });
        // the context's stop closed the pipeline gracefully: the last commit came from that close, not the interval
        assertThat(stopped[0].status().state()).isEqualTo(PipelineState.CLOSED);
        assertThat(stopped[0].isRunning()).isFalse();
        assertThat(Lake.rows(lake, "public", "starter_orders", "id", "id, item, qty"))
                .containsExactly("1|apple|3", "2|pear|5");
    }

    @Test
    void aSourceThatCannotConnectFailsTheApplicationsStart(PostgresDatabase db) throws Exception {
        runner(db, "starter-pg-down")
                .withPropertyValues("sluice.pipelines.starter-pg-down.source.url=jdbc:postgresql://127.0.0.1:1/"
                        + db.name())
                .run(context -> {
                    assertThat(context).hasFailed();
                    StringBuilder messages = new StringBuilder();
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        messages.append(t.getMessage()).append('\n');
                    }
                    assertThat(messages.toString()).contains("sluicePipeline.starter-pg-down").contains("127.0.0.1:1");
                });
    }

    @Test
    void aPipelineStartedByTheApplicationCanBeStartedAgainAfterItsStartFailed(PostgresDatabase db) throws Exception {
        String at = "sluice.pipelines.starter-pg-later.";
        runner(db, "starter-pg-later").withPropertyValues(at + "auto-startup=false").run(context -> {
            SluicePipeline pipeline = context.getBean(SluicePipeline.class);
            assertThat(pipeline.isRunning()).isFalse();
            db.execute("ALTER TABLE starter_orders RENAME TO starter_orders_away");
            // nothing to capture yet: the PostgreSQL source refuses to start on no table
            assertThatThrownBy(pipeline::start).hasMessageContaining("starter_orders");
            assertThat(pipeline.isRunning()).isFalse();
            db.execute("ALTER TABLE starter_orders_away RENAME TO starter_orders");
            pipeline.start();
            assertThat(pipeline.isRunning()).isTrue();
            await(pipeline, s -> s.eventsCommitted() >= 2);
            assertThat(Lake.rows(lake, "public", "starter_orders", "id", "id, item, qty")).containsExactly("1|apple|3");
        });
    }

    @Test
    void theHealthIsDownWithTheFailureOnceThePipelineFails(PostgresDatabase db) throws Exception {
        String at = "sluice.pipelines.starter-pg-fail.";
        runner(db, "starter-pg-fail")
                .withPropertyValues(at + "source.url=jdbc:postgresql://127.0.0.1:1/" + db.name(),
                        at + "start-and-await=false", at + "retry.max-attempts=0")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    await(context.getBean(SluicePipeline.class), s -> s.state() == PipelineState.FAILED);
                    Health health = health(context, "starter-pg-fail").health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("state", "FAILED");
                    assertThat((String) health.getDetails().get("failure")).contains("127.0.0.1:1");
                });
    }
}

package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration and the property binding, without servers: the pipelines are built, never started. */
class SluiceAutoConfigurationTest {

    private static final String AT = "sluice.pipelines.starter-orders.";

    @TempDir
    Path lake;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues(
                        AT + "auto-startup=false",
                        AT + "source.type=postgres",
                        AT + "source.url=jdbc:postgresql://127.0.0.1:1/nowhere",
                        AT + "source.user=nobody",
                        AT + "source.tables=public.orders,public.items",
                        AT + "source.snapshot-mode=initial-only",
                        AT + "sink.folder=" + lake,
                        AT + "commit-interval=2s",
                        AT + "retry.max-attempts=3",
                        AT + "retry.initial-backoff=100ms");
    }

    private static String startupFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void registersAPipelineBeanPerEnabledNameAndSkipsDisabledOnes() {
        runner().withPropertyValues("sluice.pipelines.starter-off.enabled=false",
                "sluice.pipelines.starter-off.source.type=mongo").run(context -> {
                    assertThat(context).hasNotFailed();
                    Map<String, SluicePipeline> pipelines = context.getBeansOfType(SluicePipeline.class);
                    assertThat(pipelines).containsOnlyKeys("sluicePipeline.starter-orders");
                    SluicePipeline pipeline = pipelines.get("sluicePipeline.starter-orders");
                    assertThat(pipeline.name()).isEqualTo("starter-orders");
                    assertThat(pipeline.pipeline().name()).isEqualTo("starter-orders");
                    assertThat(pipeline.status().state()).isEqualTo(PipelineState.NEW);
                    assertThat(pipeline.isRunning()).isFalse();
                    assertThat(context.getBean(SluiceProperties.class).pipelines().get("starter-orders").source()
                            .tables()).containsExactly("public.orders", "public.items");
                });
    }

    @Test
    void secretsAreMaskedWhenThePropertiesArePrinted() {
        runner().withPropertyValues(AT + "source.password=pg-secret", AT + "offset-store.type=jdbc",
                AT + "offset-store.url=jdbc:postgresql://127.0.0.1:1/offsets", AT + "offset-store.password=store-secret",
                AT + "sink.folder=", AT + "sink.s3.bucket=lake-bucket", AT + "sink.s3.access-key=AKIA",
                AT + "sink.s3.secret-key=s3-secret").run(context -> {
                    assertThat(context).hasNotFailed();
                    String printed = context.getBean(SluiceProperties.class).toString();
                    assertThat(printed).contains("password=****", "secretKey=****", "accessKey=AKIA")
                            .doesNotContain("pg-secret", "store-secret", "s3-secret");
                });
    }

    @Test
    void aValueTheBuilderRejectsFailsTheStartWithTheBuildersMessage() {
        runner().withPropertyValues(AT + "commit-interval=1ms").run(context -> assertThat(startupFailure(context))
                .contains("sluice.pipelines.starter-orders: commitInterval must be at least 10 ms"));
    }

    @Test
    void retryOptionsAreCheckedByTheRetryPolicy() {
        runner().withPropertyValues(AT + "retry.max-backoff=10ms").run(context -> assertThat(startupFailure(context))
                .contains("max backoff PT0.01S must not be shorter than the initial backoff PT0.1S"));
    }

    @Test
    void anUnknownCaptureMethodFailsTheBindingNamingTheProperty() {
        runner().withPropertyValues(AT + "source.capture=binlog").run(context -> assertThat(startupFailure(context))
                .contains("sluice.pipelines.starter-orders.source.capture"));
    }

    @Test
    void aMissingSourceTypeNamesTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withPropertyValues("sluice.pipelines.starter-x.source.url=jdbc:postgresql://h/db",
                        "sluice.pipelines.starter-x.sink.folder=" + lake)
                .run(context -> assertThat(startupFailure(context)).contains(
                        "sluice.pipelines.starter-x.source.type is required (postgres, mysql or mongo)"));
    }

    @Test
    void anOptionOfAnotherSourceTypeIsRefusedNotIgnored() {
        runner().withPropertyValues(AT + "source.server-id=7").run(context -> assertThat(startupFailure(context))
                .contains("sluice.pipelines.starter-orders.source.server-id is not an option here: it is a"
                        + " MySQL/MariaDB option"));
    }

    @Test
    void aParquetSinkTakesAFolderOrABucketNotBoth() {
        runner().withPropertyValues(AT + "sink.s3.bucket=lake-bucket").run(context -> assertThat(
                startupFailure(context)).contains("sluice.pipelines.starter-orders.sink: give either folder (a local"
                        + " folder) or s3.bucket, not both"));
    }

    @Test
    void anInvalidBucketNameFailsWithTheSinkBuildersMessage() {
        runner().withPropertyValues(AT + "sink.folder=", AT + "sink.s3.bucket=Lake_Bucket").run(context -> assertThat(
                startupFailure(context)).contains("'Lake_Bucket' is not a valid S3 bucket name"));
    }

    @Test
    void aJdbcOffsetStoreWithoutUrlNeedsTheApplicationsDataSource() {
        runner().withPropertyValues(AT + "offset-store.type=jdbc").run(context -> assertThat(startupFailure(context))
                .contains("sluice.pipelines.starter-orders.offset-store.url is required for type: jdbc when the"
                        + " application has no single DataSource bean"));
    }

    @Test
    void aFileOffsetStoreNeedsItsFolder() {
        runner().withPropertyValues(AT + "offset-store.type=file").run(context -> assertThat(startupFailure(context))
                .contains("sluice.pipelines.starter-orders.offset-store.folder is required for type: file"));
    }

    @Test
    void customizersAdjustEveryPipelinesBuilder() {
        List<String> customized = new ArrayList<>();
        List<Pipeline> built = new ArrayList<>();
        runner().withBean(SluicePipelineCustomizer.class, () -> new SluicePipelineCustomizer() {
            @Override
            public void customize(String pipelineName, Pipeline.Builder builder) {
                customized.add(pipelineName);
            }

            @Override
            public void built(Pipeline pipeline) {
                built.add(pipeline);
            }
        }).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(customized).containsExactly("starter-orders");
            assertThat(built).containsExactly(context.getBean(SluicePipeline.class).pipeline());
        });
    }

    @Test
    void theHealthContributorHasAnIndicatorPerPipelineUnknownBeforeItStarts() {
        runner().run(context -> {
            CompositeHealthContributor sluice = context.getBean(SluiceHealth.BEAN_NAME,
                    CompositeHealthContributor.class);
            Health health = ((HealthIndicator) sluice.getContributor("starter-orders")).health();
            assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
            assertThat(health.getDetails()).containsEntry("state", "NEW").containsEntry("eventsCommitted", 0L)
                    .containsEntry("lastCommitTime", "none");
        });
    }

    @Test
    void theHealthContributorCanBeSwitchedOff() {
        runner().withPropertyValues("management.health.sluice.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SluiceHealth.BEAN_NAME);
        });
    }

    @Test
    void noPipelinesNoBeans() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(SluicePipeline.class);
                    assertThat(context).doesNotHaveBean(SluiceHealth.BEAN_NAME);
                });
    }
}

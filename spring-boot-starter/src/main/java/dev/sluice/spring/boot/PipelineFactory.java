package dev.sluice.spring.boot;

import dev.sluice.OffsetStore;
import dev.sluice.Pipeline;
import dev.sluice.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Builds a pipeline from {@code sluice.pipelines.<name>.*}, anew for each start (a {@link Pipeline} runs once). Any
 * error of a builder is rethrown with the pipeline's property prefix in front of the builder's own message.
 */
final class PipelineFactory {

    /** A built pipeline and what was opened for it, to close after it. */
    record Assembly(Pipeline pipeline, List<AutoCloseable> resources) {}

    private final String name;
    private final PipelineProperties properties;
    private final Supplier<DataSource> applicationDataSource;
    private final Supplier<List<SluicePipelineCustomizer>> customizers;

    PipelineFactory(String name, PipelineProperties properties, Supplier<DataSource> applicationDataSource,
            Supplier<List<SluicePipelineCustomizer>> customizers) {
        this.name = name;
        this.properties = properties;
        this.applicationDataSource = applicationDataSource;
        this.customizers = customizers;
    }

    String prefix() {
        return "sluice.pipelines." + name;
    }

    Assembly build() {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Pipeline.Builder builder = Pipeline.builder()
                    .name(name)
                    .source(Sources.build(prefix(), properties.source()))
                    .sink(Sinks.build(prefix(), properties.sink()));
            OffsetStore store = OffsetStores.build(prefix(), properties.offsetStore(), applicationDataSource,
                    resources);
            if (store != null) {
                builder.offsetStore(store);
            }
            if (properties.commitInterval() != null) {
                builder.commitInterval(properties.commitInterval());
            }
            if (properties.startTimeout() != null) {
                builder.startTimeout(properties.startTimeout());
            }
            if (properties.closeTimeout() != null) {
                builder.closeTimeout(properties.closeTimeout());
            }
            builder.retryPolicy(retryPolicy(properties.retry()));
            List<SluicePipelineCustomizer> all = customizers.get();
            for (SluicePipelineCustomizer customizer : all) {
                customizer.customize(name, builder);
            }
            Pipeline pipeline = builder.build();
            for (SluicePipelineCustomizer customizer : all) {
                customizer.built(pipeline);
            }
            return new Assembly(pipeline, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            if (e.getMessage() != null && e.getMessage().startsWith(prefix())) {
                throw e;
            }
            throw new IllegalArgumentException(prefix() + ": " + e.getMessage(), e);
        }
    }

    private static RetryPolicy retryPolicy(PipelineProperties.RetryProperties retry) {
        RetryPolicy.Builder policy = RetryPolicy.builder();
        if (retry.initialBackoff() != null || retry.maxBackoff() != null) {
            RetryPolicy defaults = RetryPolicy.unlimited();
            policy.backoff(retry.initialBackoff() != null ? retry.initialBackoff() : defaults.initialBackoff(),
                    retry.maxBackoff() != null ? retry.maxBackoff() : defaults.maxBackoff());
        }
        if (retry.maxAttempts() != null) {
            policy.maxAttempts(retry.maxAttempts());
        }
        if (retry.maxDuration() != null) {
            policy.maxDuration(retry.maxDuration());
        }
        return policy.build();
    }

    /** Closes pools opened for a pipeline, after it has closed; a failure to close loses nothing. */
    static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // the pipeline has stopped: its offsets are saved, nothing more goes through this pool
            }
        }
    }
}

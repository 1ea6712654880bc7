package dev.sluice.spring.boot;

import dev.sluice.Pipeline;

/**
 * A bean that adjusts every pipeline's builder after the properties are applied and before it is built: to add a
 * {@link dev.sluice.PipelineListener}, an injected {@link java.time.Clock}, or a builder option that has no
 * property. Called on each (re)start of a pipeline, on the thread starting the application context; ordered by
 * {@link org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface SluicePipelineCustomizer {

    /** Adjusts the builder of the pipeline named {@code pipelineName}. */
    void customize(String pipelineName, Pipeline.Builder builder);
}

package dev.sluice.spring.boot;

import dev.sluice.Pipeline;

/**
 * A bean that adjusts every pipeline's builder after the properties are applied and before it is built: to add a
 * {@link dev.sluice.PipelineListener}, an injected {@link java.time.Clock}, or a builder option that has no
 * property; then hears of the pipeline built, before it starts. Called on each (re)build of a pipeline, on the
 * thread creating or restarting the application context; ordered by
 * {@link org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface SluicePipelineCustomizer {

    /**
     * Adjusts the builder of a pipeline.
     *
     * @param pipelineName the pipeline's name, its key under {@code sluice.pipelines}
     * @param builder its builder, with the properties applied
     */
    void customize(String pipelineName, Pipeline.Builder builder);

    /**
     * The pipeline built from the builder {@link #customize} adjusted, not yet started: for what needs the
     * pipeline itself (metrics that read its {@link Pipeline#status()}). Does nothing by default.
     *
     * @param pipeline the pipeline just built
     */
    default void built(Pipeline pipeline) {}
}

package dev.sluice.spring.boot;

import dev.sluice.Pipeline;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Runs the pipelines declared under {@code sluice.pipelines}: one {@link SluicePipeline} bean each (a
 * {@link org.springframework.context.SmartLifecycle}), the {@code sluice} health contributor when Boot's health
 * support is present, and the {@link SluicePipelineCustomizer} beans applied to every pipeline's builder. See
 * {@code docs/spring-boot.md}.
 */
@AutoConfiguration
@ConditionalOnClass(Pipeline.class)
@EnableConfigurationProperties(SluiceProperties.class)
@Import(PipelineRegistrar.class)
public class SluiceAutoConfiguration {}

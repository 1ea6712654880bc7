/**
 * Spring Boot auto-configuration for Sluice: pipelines declared in {@code application.yml} under
 * {@code sluice.pipelines.<name>} ({@link dev.sluice.spring.boot.SluiceProperties}), each run as a
 * {@link dev.sluice.spring.boot.SluicePipeline} under the context's lifecycle, with a health indicator per pipeline.
 */
package dev.sluice.spring.boot;

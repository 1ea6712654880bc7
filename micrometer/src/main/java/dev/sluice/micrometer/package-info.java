/**
 * Micrometer metrics for Sluice pipelines: {@link dev.sluice.micrometer.SluiceMetrics} is both the
 * {@link dev.sluice.PipelineListener} that counts what a pipeline does and the Micrometer
 * {@link io.micrometer.core.instrument.binder.MeterBinder} that exposes it, with the pipeline's
 * {@link dev.sluice.Pipeline#status()}, as {@code sluice.*} meters tagged {@code pipeline=<name>}.
 * JMX comes through Micrometer's {@code JmxMeterRegistry}; this package registers no MBeans of its own.
 */
package dev.sluice.micrometer;

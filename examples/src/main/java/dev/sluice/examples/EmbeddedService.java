package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A pipeline inside a service's lifecycle: started with the service, closed (flushed and committed) with it, its
 * status exposed for a health check, and a failure reported rather than swallowed. Wire {@link #start()} and
 * {@link #stop()} to your framework's hooks (a Spring {@code SmartLifecycle}, a Dropwizard {@code Managed}, …).
 */
public final class EmbeddedService implements PipelineListener {

    private final Supplier<Pipeline.Builder> configuration;
    private volatile Pipeline pipeline;

    /** @param configuration the pipeline's settings without the listener, which this service adds */
    public EmbeddedService(Supplier<Pipeline.Builder> configuration) {
        this.configuration = configuration;
    }

    public void start() {
        pipeline = configuration.get().listener(this).build();
        pipeline.start();
    }

    /** Flushes and commits what was captured; returns within the pipeline's close timeout. */
    public void stop() {
        Pipeline running = pipeline;
        if (running != null) {
            running.close();
        }
    }

    /** For a health endpoint: up while running or recovering from a transient fault. */
    public boolean healthy() {
        Pipeline running = pipeline;
        return running != null && !running.status().state().isTerminal();
    }

    /** For a metrics or status endpoint. */
    public PipelineStatus status() {
        return pipeline.status();
    }

    @Override
    public void onStateChange(String name, PipelineState from, PipelineState to, Throwable cause) {
        if (to == PipelineState.FAILED) {
            // a real service would alert here: the pipeline stopped and will not retry by itself
            System.err.println("pipeline " + name + " failed: " + cause.getMessage());
        }
    }

    @Override
    public void onRecovery(String name, Throwable cause, int attempt, Duration delay) {
        System.err.println("pipeline " + name + " recovering (attempt " + attempt + ") after: " + cause.getMessage());
    }
}

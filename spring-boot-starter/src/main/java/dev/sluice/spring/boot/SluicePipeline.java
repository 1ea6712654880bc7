package dev.sluice.spring.boot;

import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * One pipeline of {@code sluice.pipelines.<name>}, run by the application context's lifecycle: built (and so
 * checked) when the bean is created, started with the context, closed gracefully when it stops.
 *
 * <p>Phase: {@link SmartLifecycle#DEFAULT_PHASE}, so a pipeline starts after the rest of the application (the web
 * server included) and stops before it, while the beans it may use (the application's {@code DataSource} as its
 * offset store) are still there. With {@code start-and-await} (the default) {@link #start()} returns once source
 * and sink are open and throws the first failure to open them, which fails the application's start; otherwise
 * it returns at once and {@link #status()} shows how the start goes. {@link #stop(Runnable)} closes the pipeline on
 * a thread of its own ({@code sluice-<name>-stop}), so the pipelines of one context close in parallel, each within
 * its {@code close-timeout} (keep {@code spring.lifecycle.timeout-per-shutdown-phase} above it). A context started
 * again runs a newly built pipeline from the stored offset.
 *
 * <p>Thread-safe.
 */
public final class SluicePipeline implements SmartLifecycle, DisposableBean {

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(5);

    private final PipelineFactory factory;
    private final String name;
    private final boolean autoStartup;
    private final boolean startAndAwait;
    private final Duration startTimeout;
    private final Object lock = new Object();
    private PipelineFactory.Assembly current;
    private boolean running;

    SluicePipeline(String name, PipelineProperties properties, PipelineFactory factory) {
        this.name = name;
        this.factory = factory;
        this.autoStartup = properties.autoStartup();
        this.startAndAwait = properties.startAndAwait();
        this.startTimeout = properties.startTimeout() != null ? properties.startTimeout() : DEFAULT_START_TIMEOUT;
        this.current = factory.build();
    }

    /** {@return the pipeline's name: its key under {@code sluice.pipelines}} */
    public String name() {
        return name;
    }

    /** {@return the pipeline of this run (a new one after each restart of the context)} */
    public Pipeline pipeline() {
        synchronized (lock) {
            return current.pipeline();
        }
    }

    /** {@return the status of the pipeline of this run} */
    public PipelineStatus status() {
        return pipeline().status();
    }

    @Override
    public void start() {
        Pipeline pipeline;
        synchronized (lock) {
            if (running) {
                return;
            }
            if (current.pipeline().status().state() != PipelineState.NEW) {
                close(current);
                current = factory.build();
            }
            pipeline = current.pipeline();
            running = true;
        }
        if (!startAndAwait) {
            pipeline.start();
            return;
        }
        try {
            pipeline.startAndAwait(startTimeout);
        } catch (InterruptedException e) {
            notRunning();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting pipeline " + name + "; it is closed", e);
        } catch (RuntimeException e) {
            notRunning(); // closed by startAndAwait; a later start() builds it anew
            throw e;
        }
    }

    private void notRunning() {
        synchronized (lock) {
            running = false;
        }
    }

    @Override
    public void stop() {
        PipelineFactory.Assembly assembly = stopping();
        if (assembly != null) {
            close(assembly);
        }
    }

    @Override
    public void stop(Runnable callback) {
        PipelineFactory.Assembly assembly = stopping();
        if (assembly == null) {
            callback.run();
            return;
        }
        Thread closer = new Thread(() -> {
            try {
                close(assembly);
            } finally {
                callback.run();
            }
        }, "sluice-" + name + "-stop");
        closer.start();
    }

    private PipelineFactory.Assembly stopping() {
        synchronized (lock) {
            if (!running) {
                return null;
            }
            running = false;
            return current;
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    /** Closes the pipeline if the context ends without stopping it (a failed start); idempotent. */
    @Override
    public void destroy() {
        PipelineFactory.Assembly assembly;
        synchronized (lock) {
            running = false;
            assembly = current;
        }
        close(assembly);
    }

    private static void close(PipelineFactory.Assembly assembly) {
        try {
            assembly.pipeline().close();
        } finally {
            PipelineFactory.closeAll(assembly.resources());
        }
    }

    @Override
    public String toString() {
        return "SluicePipeline[" + name + ", " + status().state() + "]";
    }
}

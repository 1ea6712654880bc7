package dev.sluice.capture;

import dev.sluice.LogContext;
import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Measures a source's {@link SourceHealth} every few seconds on a daemon thread of its own
 * ({@code sluice-<pipeline>-health}), so that a {@link dev.sluice.ChangeStream#health()} can return the last
 * measurement at once, and a capture thread that is blocked does not stop the measurements. The {@link Check} uses
 * resources of its own (a connection), never the stream's.
 *
 * <p>Logs a WARN line when the risk rises to {@link Risk#WARNING} or {@link Risk#CRITICAL}, with the measurement's
 * reason (which names the fix), and an INFO line when it falls back; once per change of level, not per
 * measurement. A failed check makes the health {@link Risk#UNKNOWN} until one succeeds (one WARN line per run of
 * failures) and closes the check, which reconnects at its next call; it never affects the pipeline.
 *
 * <p>Thread-safe. Closing stops the thread and closes the check; idempotent.
 */
public final class HealthProbe implements AutoCloseable {

    /** How often a source measures its health unless it says otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(HealthProbe.class);

    /** One measurement of a source's health, with the resources it needs. Called by one thread at a time. */
    public interface Check extends AutoCloseable {

        /**
         * Measures the source now. May block briefly (a query with a timeout of a few seconds).
         *
         * @return the measurement, never null
         * @param clock the pipeline's clock, for {@link SourceHealth#checkedAt()}
         * @throws Exception if the source cannot be asked; the probe then reports the health as unknown and closes
         *     this check, so its next call connects again
         */
        SourceHealth check(Clock clock) throws Exception;

        /** Releases the check's resources (its connection); the next {@link #check} opens them again. */
        @Override
        void close();
    }

    private final String pipeline;
    private final String source;
    private final Check check;
    private final Clock clock;
    private final Duration interval;
    private final Object lock = new Object();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile SourceHealth current = SourceHealth.unknown("not measured yet");
    private Risk logged = Risk.OK;
    private boolean failing;

    private HealthProbe(String pipeline, String source, Check check, Clock clock, Duration interval) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.source = Objects.requireNonNull(source, "source");
        this.check = Objects.requireNonNull(check, "check");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health check interval must be positive, not " + interval);
        }
        this.interval = interval;
    }

    /**
     * Starts measuring at once and then every {@code interval}.
     *
     * @param check what measures the source, not null; called on the probe's thread
     * @param clock the clock, not null
     * @param interval the time between measurements, positive
     * @return the running probe; close it to stop its thread
     * @param pipeline the pipeline's name, for the thread's name and the log lines' MDC
     * @param source how the log lines name the source (for example "slot sluice_orders")
     */
    public static HealthProbe start(String pipeline, String source, Check check, Clock clock, Duration interval) {
        HealthProbe probe = new HealthProbe(pipeline, source, check, clock, interval);
        Thread thread = new Thread(probe::run, "sluice-" + pipeline + "-health");
        thread.setDaemon(true);
        thread.start();
        return probe;
    }

    /**
     * The last measurement; {@link Risk#UNKNOWN} before the first or after a failed one. Never blocks.
     *
     * @return the last measurement, never null
     */
    public SourceHealth current() {
        return current;
    }

    /**
     * Measures now, on the calling thread (after a measurement under way), and returns the result.
     *
     * @return the new measurement, never null
     */
    public SourceHealth refresh() {
        synchronized (lock) {
            if (stop.getCount() == 0) {
                return current;
            }
            SourceHealth measured;
            try {
                measured = check.check(clock);
                if (failing) {
                    failing = false;
                    log.info("pipeline {}: measuring the health of {} works again", pipeline, source);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                closeCheck();
                measured = SourceHealth.unknown("measuring the health of " + source + " failed: " + e);
                if (!failing) {
                    failing = true;
                    log.warn("pipeline {}: cannot measure the health of {}: {}; its backlog and retention risk are"
                            + " unknown until it works again", pipeline, source, e.toString());
                }
            }
            current = measured;
            logChange(measured);
            return measured;
        }
    }

    private void logChange(SourceHealth health) {
        Risk risk = health.risk();
        if (risk == Risk.UNKNOWN || risk == logged) {
            return;
        }
        if (risk.level() > logged.level()) {
            log.warn("pipeline {}: retention risk of {} is {}: {}", pipeline, source, risk, health.reason());
        } else {
            log.info("pipeline {}: retention risk of {} is down to {}: {}", pipeline, source, risk, health.reason());
        }
        logged = risk;
    }

    private void run() {
        MDC.put(LogContext.PIPELINE, pipeline); // this thread's own: it ends with the probe
        try {
            do {
                refresh();
            } while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops measuring and closes the check, after a measurement under way (its query's timeout bounds the wait).
     * Idempotent.
     */
    @Override
    public void close() {
        stop.countDown();
        synchronized (lock) {
            closeCheck();
        }
    }

    private void closeCheck() {
        try {
            check.close();
        } catch (RuntimeException e) {
            log.debug("pipeline {}: closing the health check of {} failed; ignored", pipeline, source, e);
        }
    }
}

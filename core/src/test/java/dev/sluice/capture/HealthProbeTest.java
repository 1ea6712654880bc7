package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);
    /** Long enough that only the first measurement and the test's own refresh() calls happen. */
    private static final Duration NEVER = Duration.ofHours(1);

    /** Answers the queued measurements, or fails where a null is queued; counts its closes. */
    private static final class Scripted implements HealthProbe.Check {
        final Deque<SourceHealth> answers = new ArrayDeque<>();
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public synchronized SourceHealth check(Clock clock) throws SQLException {
            checks.incrementAndGet();
            SourceHealth next = answers.isEmpty() ? null : answers.poll();
            if (next == null || next.risk() == Risk.UNKNOWN) {
                throw new SQLException("connection refused");
            }
            return next;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static SourceHealth measured(Risk risk, long backlog) {
        return new SourceHealth(risk, "test " + risk, backlog, null, backlog * 2, -1, -1, null, CLOCK.instant());
    }

    @Test
    void keepsTheLastMeasurementAndReportsAFailedOneAsUnknown() {
        Scripted check = new Scripted();
        check.answers.add(measured(Risk.OK, 100));
        check.answers.add(measured(Risk.WARNING, 500));
        check.answers.add(SourceHealth.unknown("fail"));
        check.answers.add(measured(Risk.OK, 10));
        HealthProbe probe = HealthProbe.start("hl-probe", "test source", check, CLOCK, NEVER);
        try {
            await(probe, h -> h.checkedAt() != null);
            assertThat(probe.current().backlogBytes()).isEqualTo(100);
            assertThat(probe.current().risk()).isEqualTo(Risk.OK);

            assertThat(probe.refresh().risk()).isEqualTo(Risk.WARNING);
            assertThat(probe.current().backlogBytes()).isEqualTo(500);

            SourceHealth failed = probe.refresh();
            assertThat(failed.risk()).isEqualTo(Risk.UNKNOWN);
            assertThat(failed.backlogBytes()).isEqualTo(-1);
            assertThat(failed.reason()).contains("measuring the health of test source failed")
                    .contains("connection refused");
            assertThat(check.closes.get()).isEqualTo(1); // the next check reconnects

            assertThat(probe.refresh().backlogBytes()).isEqualTo(10);
        } finally {
            probe.close();
        }
        assertThat(check.closes.get()).isEqualTo(2);
        int checks = check.checks.get();
        assertThat(probe.refresh()).isSameAs(probe.current()); // closed: no more measurements
        assertThat(check.checks.get()).isEqualTo(checks);
    }

    @Test
    void unknownUntilTheFirstMeasurement() {
        Scripted check = new Scripted(); // every check fails
        HealthProbe probe = HealthProbe.start("hl-probe-fail", "test source", check, CLOCK, NEVER);
        try {
            await(probe, h -> h.reason().contains("failed"));
            assertThat(probe.current().risk()).isEqualTo(Risk.UNKNOWN);
            assertThat(probe.current().checkedAt()).isNull();
        } finally {
            probe.close();
        }
    }

    @Test
    void riskLevelsAreTheGaugeValues() {
        assertThat(Risk.UNKNOWN.level()).isEqualTo(-1);
        assertThat(Risk.OK.level()).isZero();
        assertThat(Risk.WARNING.level()).isEqualTo(1);
        assertThat(Risk.CRITICAL.level()).isEqualTo(2);
    }

    /** Waits for the probe's first measurement, from its own thread. */
    private static void await(HealthProbe probe, Predicate<SourceHealth> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.test(probe.current())) {
            assertThat(System.nanoTime()).as("the probe's first measurement").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}

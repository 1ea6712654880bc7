package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StallWarningTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A dialect that only counts how often the warning asked which transaction holds capture back. */
    private static CaptureDialect countingDialect(AtomicInteger asked) {
        return (CaptureDialect) Proxy.newProxyInstance(CaptureDialect.class.getClassLoader(),
                new Class<?>[] {CaptureDialect.class}, (proxy, method, args) -> {
                    if (method.getName().equals("oldestTransaction")) {
                        asked.incrementAndGet();
                        return "trx 7, idle";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void warnsOncePerStallAfterAMinuteHeldAtTheSamePlace() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        ManualClock clock = new ManualClock();
        StallWarning stall = new StallWarning(countingDialect(asked), clock, "trigger capture");

        stall.observe(5L, null);
        clock.advance(Duration.ofSeconds(59));
        stall.observe(5L, null);
        assertThat(asked).hasValue(0); // not a minute yet
        clock.advance(Duration.ofSeconds(2));
        stall.observe(5L, null);
        assertThat(asked).hasValue(1);
        clock.advance(Duration.ofMinutes(5));
        stall.observe(5L, null);
        assertThat(asked).hasValue(1); // once per stall

        stall.observe(null, null); // released: a new stall may be reported
        stall.observe(6L, null);
        clock.advance(Duration.ofSeconds(61));
        stall.observe(6L, null);
        assertThat(asked).hasValue(2);
    }

    @Test
    void aHoldThatMovesIsNoStall() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        ManualClock clock = new ManualClock();
        StallWarning stall = new StallWarning(countingDialect(asked), clock, "timestamp capture");
        for (long w = 0; w < 10; w++) {
            stall.observe(w, null);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(asked).hasValue(0);
    }
}

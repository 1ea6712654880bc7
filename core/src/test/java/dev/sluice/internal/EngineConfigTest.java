package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void backoffDoublesFromItsInitialValueUpToItsCap() {
        EngineConfig config = new EngineConfig("p", null, null, null, Duration.ofSeconds(1), 1, Duration.ZERO, 1, 1,
                Duration.ofMillis(500), Duration.ofSeconds(3), 10, Duration.ofSeconds(1), List.of(), Clock.systemUTC());

        assertThat(List.of(1, 2, 3, 4, 5, 60).stream().map(config::backoff)).containsExactly(
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofSeconds(3));
    }
}

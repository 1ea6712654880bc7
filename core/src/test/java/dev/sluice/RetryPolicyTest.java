package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesFromItsInitialValueUpToItsCap() {
        RetryPolicy policy = RetryPolicy.builder().backoff(Duration.ofMillis(500), Duration.ofSeconds(3)).build();

        assertThat(List.of(1, 2, 3, 4, 5, 60).stream().map(policy::backoff)).containsExactly(
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void theDefaultNeverGivesUp() {
        RetryPolicy policy = RetryPolicy.unlimited();

        assertThat(policy.exhausted(Integer.MAX_VALUE, Duration.ofDays(365))).isNull();
        assertThat(policy.backoff(1_000)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void givesUpByCountOrByTime() {
        RetryPolicy byCount = RetryPolicy.builder().maxAttempts(3).build();
        RetryPolicy byTime = RetryPolicy.builder().backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .maxDuration(Duration.ofMinutes(10)).build();

        assertThat(byCount.exhausted(3, Duration.ZERO)).isNull();
        assertThat(byCount.exhausted(4, Duration.ZERO)).contains("gave up after 4 failures in a row");
        assertThat(byTime.exhausted(1_000, Duration.ofMinutes(9))).isNull();
        assertThat(byTime.exhausted(1_000, Duration.ofSeconds(571))).contains("failing for 571 s");
    }

    @Test
    void badValuesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1S");
        assertThatThrownBy(() -> RetryPolicy.builder().maxDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}

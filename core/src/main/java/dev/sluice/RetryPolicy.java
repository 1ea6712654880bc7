package dev.sluice;

import java.time.Duration;
import java.util.Objects;

/**
 * How a pipeline recovers from retriable failures: it waits a backoff that doubles from {@link #initialBackoff()}
 * up to {@link #maxBackoff()}, then reopens source and sink from the last committed offset. It gives up, with a
 * {@link RetriesExhaustedException}, once more than {@link #maxAttempts()} failures came in a row, or once it has
 * been failing for longer than {@link #maxDuration()} without a commit in between. A commit ends a run of failures.
 *
 * <p>A {@link FatalException} or an {@link Error} stops the pipeline at once, whatever the policy.
 *
 * <p>The default, {@link #unlimited()}, retries without limit (1 s doubling to 1 min): right for a service that
 * must outlive outages of its source, sink or network. A scheduled run that should end use {@link #builder()}
 * with a count or a time limit. Immutable and thread-safe.
 */
public final class RetryPolicy {

    private static final RetryPolicy UNLIMITED = builder().build();

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;
    private final Duration maxDuration;

    private RetryPolicy(Builder builder) {
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.maxAttempts = builder.maxAttempts;
        this.maxDuration = builder.maxDuration;
    }

    /**
     * Retries without limit, after a backoff of 1 s doubling up to 1 min.
     *
     * @return the default policy
     */
    public static RetryPolicy unlimited() {
        return UNLIMITED;
    }

    /**
     * A builder starting from {@link #unlimited()}.
     *
     * @return a new builder with the values of {@link #unlimited()}; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this policy's values.
     *
     * @return a new builder with this policy's values
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.initialBackoff = initialBackoff;
        builder.maxBackoff = maxBackoff;
        builder.maxAttempts = maxAttempts;
        builder.maxDuration = maxDuration;
        return builder;
    }

    /**
     * The wait before the first reopening.
     *
     * @return the initial backoff, positive
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * The longest wait between reopenings.
     *
     * @return the backoff cap, at least {@link #initialBackoff()}
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Failures in a row the pipeline recovers from; {@link Integer#MAX_VALUE} for no limit.
     *
     * @return the count limit, 0 or more
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * How long failures may go on without a commit before the pipeline gives up; {@code null} for no limit.
     *
     * @return the time limit, or null
     */
    public Duration maxDuration() {
        return maxDuration;
    }

    /**
     * The wait before reopening after the {@code failure}-th failure in a row (1-based): doubling, capped.
     *
     * @param failure the number of failures in a row, from 1
     * @return the wait: {@link #initialBackoff()} doubled {@code failure - 1} times, at most {@link #maxBackoff()}
     */
    public Duration backoff(int failure) {
        Duration delay = initialBackoff;
        for (int i = 1; i < failure && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    /**
     * Whether to give up after the {@code failure}-th failure in a row, the first of which came {@code failingFor}
     * ago; null to retry, else why not.
     *
     * @param failure the number of failures in a row, from 1
     * @param failingFor the time since the first of them, not null
     * @return null to retry, or the reason to give up (for the failure's message)
     */
    public String exhausted(int failure, Duration failingFor) {
        if (failure > maxAttempts) {
            return "gave up after " + failure + " failures in a row (at most " + maxAttempts + " retries)";
        }
        if (maxDuration != null && failingFor.plus(backoff(failure)).compareTo(maxDuration) > 0) {
            return "gave up after failing for " + failingFor.toSeconds() + " s without a commit (" + failure
                    + " failures in a row; the retry limit is " + maxDuration + ")";
        }
        return null;
    }

    @Override
    public String toString() {
        return "RetryPolicy[backoff " + initialBackoff + ".." + maxBackoff + ", "
                + (maxAttempts == Integer.MAX_VALUE ? "no count limit" : "at most " + maxAttempts + " retries")
                + ", " + (maxDuration == null ? "no time limit" : "for at most " + maxDuration) + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetryPolicy that && initialBackoff.equals(that.initialBackoff)
                && maxBackoff.equals(that.maxBackoff) && maxAttempts == that.maxAttempts
                && Objects.equals(maxDuration, that.maxDuration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialBackoff, maxBackoff, maxAttempts, maxDuration);
    }

    /** Configures a {@link RetryPolicy}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);
        private int maxAttempts = Integer.MAX_VALUE;
        private Duration maxDuration;

        private Builder() {}

        /**
         * The wait before the first reopening, and its cap as it doubles (default 1 s and 1 min).
         *
         * @param initial the first wait, positive, not null
         * @param max the longest wait, at least {@code initial}, not null
         * @return this builder
         * @throws IllegalArgumentException if a duration is not positive or {@code max} is shorter than {@code initial}
         */
        public Builder backoff(Duration initial, Duration max) {
            positive("initial backoff", initial);
            positive("max backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "max backoff " + max + " must not be shorter than the initial backoff " + initial);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How many failures in a row to recover from (default: no limit; 0 gives up at the first failure).
         *
         * @param maxAttempts failures in a row to recover from, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if the number is negative
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Gives up once failures went on this long without a commit (default: no limit).
         *
         * @param maxDuration the longest time of failing without a commit, positive, not null
         * @return this builder
         * @throws IllegalArgumentException if the duration is not positive
         */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = positive("max retry duration", maxDuration);
            return this;
        }

        /**
         * Removes the time limit.
         *
         * @return this builder
         */
        public Builder noMaxDuration() {
            this.maxDuration = null;
            return this;
        }

        /**
         * The policy.
         *
         * @return a new, immutable policy with the values set
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }
    }
}

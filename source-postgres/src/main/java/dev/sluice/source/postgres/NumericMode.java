package dev.sluice.source.postgres;

/**
 * How a {@link PostgresSource} maps {@code numeric} columns. PostgreSQL's {@code numeric} also holds
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, which no {@link java.math.BigDecimal} can represent, so a
 * choice must be made explicitly.
 */
public enum NumericMode {

    /**
     * The default: {@code numeric(p,s)} maps to {@code decimal(p,s)} and {@code numeric} to an unconstrained
     * decimal, with exact {@link java.math.BigDecimal} values. A {@code NaN} or infinite value stops the pipeline
     * with a {@link dev.sluice.FatalException} naming the table and column: nothing is dropped or replaced. Fix
     * the data, or switch to {@link #TEXT}.
     */
    DECIMAL,

    /**
     * Every {@code numeric} column maps to a string holding the server's exact text ({@code 12.50}, {@code NaN},
     * {@code Infinity}): nothing can fail, but sinks see strings, not decimals.
     */
    TEXT
}

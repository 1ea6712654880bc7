package dev.sluice.source.postgres;

/** Turns one value's text form, as the server writes it, into the Java value of its column's type. */
@FunctionalInterface
interface ValueParser {

    /**
     * @param text the server's text output, never null
     * @param column the column's name, for messages
     * @throws IllegalArgumentException if the text is not a value of the type
     * @throws dev.sluice.FatalException if the value cannot be represented as configured (numeric NaN)
     */
    Object parse(String text, String column);
}

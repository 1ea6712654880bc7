package dev.sluice.source.postgres;

/**
 * A value the server sent correctly that no core value can carry faithfully (a timestamp beyond 64-bit
 * microseconds since 1970). Not a parsing bug: the pipeline stops with a message that names the column and tells
 * the user to change the value or leave the table out.
 */
final class UnrepresentableValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    UnrepresentableValueException(String message) {
        super(message);
    }
}

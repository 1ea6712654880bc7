package dev.sluice.examples.cli;

/** A mistake on the command line: the message says which, and the command exits 2 with the usage text. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

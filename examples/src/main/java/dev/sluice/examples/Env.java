package dev.sluice.examples;

/** The examples' settings come from environment variables, so that no password is on a command line. */
final class Env {

    private Env() {}

    static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("set the environment variable " + name);
            System.exit(2);
        }
        return value;
    }

    static String get(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}

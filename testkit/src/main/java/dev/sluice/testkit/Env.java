package dev.sluice.testkit;

/** Reads the environment the tests run in: server addresses and whether this is a CI run. */
final class Env {

    private Env() {
    }

    /** The value of the environment variable {@code name}, or {@code fallback} when unset or blank. */
    static String get(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The environment variable {@code name} as a TCP port, or {@code fallback} when unset. */
    static int port(String name, int fallback) {
        String value = get(name, Integer.toString(fallback));
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the variable's name
        }
        throw new IllegalArgumentException(name + " must be a TCP port (1-65535), not '" + value + "'");
    }

    /**
     * Whether {@code CI=true}. On CI a server that cannot be used fails the test, because a skipped
     * test there would look green while testing nothing; on a developer's machine it skips.
     */
    static boolean isCi() {
        return "true".equalsIgnoreCase(get("CI", ""));
    }
}

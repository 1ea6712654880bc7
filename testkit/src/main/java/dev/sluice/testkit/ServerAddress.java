package dev.sluice.testkit;

/**
 * Where a database server is and who to log in as: the application user the code under test runs
 * as, and the admin user that creates and drops the per-test databases.
 */
record ServerAddress(String host, int port, String user, String password, String adminUser,
        String adminPassword, String variablePrefix) {

    /**
     * Reads {@code <prefix>_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD}, {@code _ADMIN_USER}
     * and {@code _ADMIN_PASSWORD}, defaulting to the servers that {@code scripts/setup-services}
     * prepares on this machine.
     */
    static ServerAddress fromEnvironment(String prefix, int defaultPort) {
        return new ServerAddress(
                Env.get(prefix + "_HOST", "127.0.0.1"),
                Env.port(prefix + "_PORT", defaultPort),
                Env.get(prefix + "_USER", "sluice"),
                Env.get(prefix + "_PASSWORD", "sluice"),
                Env.get(prefix + "_ADMIN_USER", "sluice_admin"),
                Env.get(prefix + "_ADMIN_PASSWORD", "sluice_admin"),
                prefix);
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The variables a developer sets to point the tests at another server, for error messages. */
    String variables() {
        String p = variablePrefix;
        return p + "_HOST/" + p + "_PORT/" + p + "_USER/" + p + "_PASSWORD/" + p + "_ADMIN_USER/"
                + p + "_ADMIN_PASSWORD";
    }

    @Override
    public String toString() {
        // never the passwords
        return "ServerAddress[" + authority() + ", user=" + user + ", adminUser=" + adminUser + "]";
    }
}

package dev.sluice.source.mysql;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A MariaDB server of the test's own, in a temporary directory on a free port, for what must never be done to the
 * shared server (RESET MASTER). Binlog ROW/FULL with FULL metadata; user root without a password on 127.0.0.1.
 * Needs {@code mariadb-install-db} and {@code mariadbd}; {@link #available()} says whether they exist.
 */
final class PrivateMariaDb implements AutoCloseable {

    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL = Path.of("/usr/bin/mariadb-install-db");

    private final Path dir;
    private final int port;
    private final Process process;

    static boolean available() {
        return Files.isExecutable(SERVER) && Files.isExecutable(INSTALL);
    }

    /** @param options more server options, such as {@code --net-write-timeout=2} */
    PrivateMariaDb(long serverId, String... options) throws IOException, InterruptedException, SQLException {
        dir = Files.createTempDirectory("sluice-mariadb-");
        Path data = dir.resolve("data");
        run(List.of(INSTALL.toString(), "--no-defaults", "--datadir=" + data, "--skip-test-db",
                "--auth-root-authentication-method=normal", "--user=" + System.getProperty("user.name")));
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults", "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("sock"),
                "--pid-file=" + dir.resolve("pid"), "--user=" + System.getProperty("user.name"),
                "--log-bin=" + data.resolve("bin"), "--server-id=" + serverId, "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL", "--innodb-buffer-pool-size=16M"));
        command.addAll(List.of(options));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = connect()) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    close();
                    throw new IllegalStateException("the private MariaDB did not start: see " + dir, e);
                }
                Thread.sleep(100);
            }
        }
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(each);
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit code " + p.exitValue());
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it up eventually
        }
    }
}

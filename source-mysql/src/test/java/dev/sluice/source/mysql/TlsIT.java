package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with server verification, against a MariaDB of the test's own with a generated CA, and a user that the server
 * lets in over TLS only: the snapshot (JDBC) and the binlog both run over verified TLS; a server whose certificate is
 * not trusted stops the pipeline with the fix.
 */
class TlsIT {

    @TempDir
    Path dir;

    @Test
    void snapshotAndBinlogRunOverVerifiedTlsAndAnUntrustedServerIsFatal() throws Exception {
        assumeTrue(PrivateMariaDb.available() && Files.isExecutable(Path.of("/usr/bin/openssl")),
                "needs mariadbd, mariadb-install-db and openssl");
        Path ca = certificates(dir, "ca");
        Path otherCa = certificates(dir.resolve("other"), "ca");
        try (PrivateMariaDb server = new PrivateMariaDb(80, "--ssl-ca=" + ca, "--ssl-cert=" + dir.resolve("server.pem"),
                "--ssl-key=" + dir.resolve("server.key"))) {
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY)",
                    "INSERT INTO shop.t VALUES (1)", "CREATE USER 'tls'@'%' IDENTIFIED BY 'secret' REQUIRE SSL",
                    "GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'tls'@'%'");
            MySqlSource.Builder builder = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("tls")
                    .password("secret").tables(TableFilter.include("shop.*")).serverId(5004)
                    .keepAliveInterval(Duration.ofSeconds(2));
            try (ChangeStream stream = builder.tls(TlsMode.VERIFY_IDENTITY).trustedCertificates(ca).build()
                    .open(null, Streams.CONTEXT)) {
                assertThat(Streams.pollSnapshot(stream, 1).get(0).after().get(0)).isEqualTo(1);
                server.execute("INSERT INTO shop.t VALUES (2)");
                List<ChangeEvent> streamed = Streams.poll(stream, 1);
                assertThat(streamed.get(0).op()).isEqualTo(Op.INSERT);
                assertThat(streamed.get(0).after().get(0)).isEqualTo(2);
            }
            MySqlSource untrusting = builder.tls(TlsMode.VERIFY_CA).trustedCertificates(otherCa).build();
            assertThatThrownBy(() -> untrusting.open(null, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("failed verification").hasMessageContaining("trustedCertificates");
        }
    }

    /** A CA and a server certificate for 127.0.0.1 signed by it, in {@code dir}; returns the CA's PEM. */
    private static Path certificates(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=Sluice test CA");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", name + ".pem", "-CAkey", name + ".key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
        return dir.resolve(name + ".pem");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl " + args[0] + " failed");
        }
    }
}

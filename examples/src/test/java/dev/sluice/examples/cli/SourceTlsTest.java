package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --tls} and {@code --trusted-certificates} reach the MySQL/MariaDB source, and only it. */
class SourceTlsTest {

    private static Source source(String kind, String url, String... extra) {
        List<String> args = new ArrayList<>(List.of("--source", kind, "--url", url, "--user", "u", "--out", "lake"));
        args.addAll(List.of(extra));
        return new PipelineFactory(Options.parse(args, Map.of())).source(); // no connection is made before open
    }

    @Test
    void verifyIdentityIsPassedToTheMySqlSource() {
        assertThat(source("mysql", "jdbc:mysql://h:3306/shop", "--tls", "verify-identity").toString())
                .contains("TLS VERIFY_IDENTITY");
    }

    @Test
    void tlsIsOffByDefault() {
        assertThat(source("mysql", "jdbc:mysql://h:3306/shop").toString()).doesNotContain("TLS");
    }

    @Test
    void anUnknownModeIsNamed() {
        assertThatThrownBy(() -> source("mysql", "jdbc:mysql://h:3306/shop", "--tls", "required"))
                .hasMessage("--tls must be one of disabled, verify-ca, verify-identity, not 'required'");
    }

    @Test
    void otherSourcesAreToldWhereTheirTlsSettingsGo() {
        assertThatThrownBy(() -> source("postgres", "jdbc:postgresql://h/db", "--tls", "verify-ca"))
                .hasMessageContaining("sslmode");
    }
}

package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --target-table-naming} chooses the JDBC sink's table naming. */
class TargetTableNamingTest {

    private static Sink jdbcSink(String... extra) {
        List<String> args = new ArrayList<>(List.of("--sink", "jdbc", "--target-url", "jdbc:postgresql://h/db",
                "--target-user", "u"));
        args.addAll(List.of(extra));
        return new PipelineFactory(Options.parse(args, Map.of())).sink(); // no connection is made before open
    }

    @Test
    void namespaceAndNameIsPassedToTheSink() {
        assertThat(jdbcSink("--target-table-naming", "namespace-and-name").toString())
                .contains("table naming namespaceAndName()");
    }

    @Test
    void sameNameIsTheDefault() {
        assertThat(jdbcSink().toString()).contains("table naming sameName()");
    }

    @Test
    void anUnknownNamingIsNamed() {
        assertThatThrownBy(() -> jdbcSink("--target-table-naming", "schema"))
                .hasMessage("--target-table-naming must be one of same-name, namespace-and-name, not 'schema'");
    }
}

package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options that reach the builders' less common settings: parsed, checked, and named when wrong. */
class MoreOptionsTest {

    private static PipelineFactory factory(String... extra) {
        List<String> args = new ArrayList<>(List.of("--source", "postgres", "--url", "jdbc:postgresql://h/db",
                "--user", "u", "--out", "lake"));
        args.addAll(List.of(extra));
        return new PipelineFactory(Options.parse(args, Map.of()));
    }

    @Test
    void sourceAndSinkSettingsBuild() {
        assertThat(factory("--schema-changes", "fail", "--numeric-mode", "text", "--safety-window", "2m",
                "--table-check-interval", "30s", "--snapshot", "incremental", "--snapshot-chunk-size", "500",
                "--snapshot-parallelism", "3").source()).isNotNull();
        assertThat(factory("--partition-by", "column:region", "--compression", "snappy", "--max-file-rows",
                "100000", "--max-file-bytes", "64m", "--max-file-age", "10m").sink()).isNotNull();
    }

    @Test
    void badValuesAreNamedWithTheirChoices() {
        assertThatThrownBy(() -> factory("--schema-changes", "sometimes").source())
                .hasMessage("--schema-changes must be one of reread, fail, not 'sometimes'");
        assertThatThrownBy(() -> factory("--numeric-mode", "float").source())
                .hasMessage("--numeric-mode must be one of decimal, text, not 'float'");
        assertThatThrownBy(() -> factory("--partition-by", "week").sink())
                .hasMessage("--partition-by must be day, hour, none or column:NAME, not 'week'");
        assertThatThrownBy(() -> factory("--max-file-bytes", "12x").sink())
                .hasMessage("--max-file-bytes must be a size such as 512, 64k, 128m or 1g, not '12x'");
        assertThatThrownBy(() -> factory("--snapshot", "incremental", "--snapshot-chunk-size", "0").source())
                .hasMessage("--snapshot-chunk-size must be positive, not 0");
        assertThatThrownBy(() -> factory("--snapshot", "incremental", "--snapshot-parallelism", "0").source())
                .hasMessage("--snapshot-parallelism must be at least 1, not 0");
    }

    @Test
    void sizesTakeBinaryUnits() {
        Options options = Options.parse(List.of("--max-file-bytes", "64k", "--max-file-rows", "1g"), Map.of());
        assertThat(options.bytes("max-file-bytes")).isEqualTo(65_536);
        assertThat(options.bytes("max-file-rows")).isEqualTo(1L << 30);
    }
}

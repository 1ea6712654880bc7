package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceUsageTest {

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        Run run = Run.of("help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("usage: sluice replicate");
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertThat(Run.of().exit()).isEqualTo(2);
    }

    @Test
    void anUnknownCommandOrFlagIsNamed() {
        Run command = Run.of("replicat");
        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.error()).isEqualTo("sluice: unknown command 'replicat'");

        Run flag = Run.of("replicate", "--source", "postgres", "--tabels", "x");
        assertThat(flag.exit()).isEqualTo(2);
        assertThat(flag.error()).isEqualTo("sluice: unknown option --tabels; see sluice help");
        assertThat(flag.err()).contains("usage: sluice replicate");
    }

    @Test
    void badValuesAreNamed() {
        assertThat(Run.of("replicate", "--source", "oracle").error())
                .isEqualTo("sluice: --source must be one of postgres, mysql, mongo, not 'oracle'");
        assertThat(Run.of("replicate", "--source", "postgres").error())
                .isEqualTo("sluice: --url is required for --source postgres (jdbc:postgresql://host:5432/db)");
        assertThat(Run.of("replicate", "--source", "postgres", "--url", "jdbc:postgresql://h/db", "--user", "u",
                "--out", "lake", "--commit-interval", "soon").error())
                .isEqualTo("sluice: --commit-interval must be a duration such as 500ms, 10s, 5m or 1h, not 'soon'");
        assertThat(Run.of("replicate", "--source", "postgres", "--url", "mysql://h/db").error())
                .startsWith("sluice: jdbcUrl must start with 'jdbc:postgresql:'");
        assertThat(Run.of("replicate", "--source").error()).isEqualTo("sluice: --source needs a value");
        assertThat(Run.of("replicate", "--source", "postgres", "--source", "mysql").error())
                .isEqualTo("sluice: --source is given twice");
        assertThat(Run.of("replicate", "--source", "mysql", "--url", "jdbc:mysql://h/db", "--user", "u", "--out",
                "lake", "--snapshot", "incremental", "--snapshot-chunk-size", "0").error())
                .isEqualTo("sluice: --snapshot-chunk-size must be positive, not 0");
    }

    @Test
    void optionsThatDoNotApplyAreRefusedNotIgnored(@TempDir Path dir) throws Exception {
        String lake = dir.resolve("lake").toString();
        Run s3WithFolder = Run.of("replicate", "--source", "postgres", "--url", "jdbc:postgresql://h/db", "--user", "u",
                "--out", lake, "--s3-region", "eu-west-1", "--writer-lease", "1m");
        assertThat(s3WithFolder.exit()).isEqualTo(2);
        assertThat(s3WithFolder.error()).startsWith("sluice: --s3-region, --writer-lease do not apply to sluice"
                + " replicate");
        assertThat(Run.of("replicate", "--source", "mysql", "--url", "jdbc:mysql://h/db", "--user", "u", "--out", lake,
                "--numeric-mode", "text").error()).startsWith("sluice: --numeric-mode does not apply");
        assertThat(Run.of("replicate", "--source", "postgres", "--url", "jdbc:postgresql://h/db", "--user", "u",
                "--out", lake, "--target-user", "x").error()).startsWith("sluice: --target-user does not apply");
        // a config file shared with other commands is held to the same rule by replicate
        Path config = dir.resolve("run.properties");
        Files.writeString(config, "source=postgres\nurl=jdbc:postgresql://h/db\nuser=u\nout=" + lake
                + "\nmax-sink-stall=1m\n");
        assertThat(Run.of("replicate", "--config", config.toString()).error())
                .startsWith("sluice: --max-sink-stall does not apply");
        // ... but backfill reads only what it needs of the run's file
        Files.writeString(config, "source=postgres\nurl=jdbc:postgresql://h/db\nuser=u\noffsets="
                + dir.resolve("offsets") + "\n");
        assertThat(Run.of("backfill", "--config", config.toString(), "--table", "public.t").exit()).isZero();
        assertThat(Run.of("backfill", "--offsets", dir.resolve("offsets").toString(), "--table", "public.t",
                "--s3-region", "x").error()).startsWith("sluice: --s3-region does not apply to sluice backfill");
    }

    @Test
    void aConfigFileGivesTheSameKeysAndFlagsWin(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pipeline.properties");
        Files.writeString(config, "source=postgres\nurl=jdbc:postgresql://h/db\nuser=u\nout=lake\nsnapshot=sometimes\n");
        assertThat(Run.of("replicate", "--config", config.toString()).error())
                .isEqualTo("sluice: --snapshot must be one of initial, never, only, incremental, not 'sometimes'");
        Files.writeString(config, "source=postgres\nsurce=typo\n");
        assertThat(Run.of("replicate", "--config", config.toString()).error())
                .isEqualTo("sluice: unknown option key 'surce' in " + config + "; see sluice help");
    }

    @Test
    void aMissingOrBinaryConfigFileSaysWhatIsWrong(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.properties");
        assertThat(Run.of("replicate", "--config", missing.toString()).error())
                .isEqualTo("sluice: the config file " + missing.toAbsolutePath() + " does not exist: --config takes"
                        + " the path of a properties file");
        Path binary = dir.resolve("binary.properties");
        Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, 1, 2});
        assertThat(Run.of("replicate", "--config", binary.toString()).error())
                .startsWith("sluice: the config file " + binary + " is not UTF-8 text");
        assertThat(Run.of("replicate", "--config", dir.toString()).error()).contains("is not a file");
    }

    @Test
    void secretsComeFromFlagsFilesOrTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "from-file\n");
        Options fromFile = Options.parse(java.util.List.of("--password-file", file.toString()), Map.of());
        assertThat(fromFile.secret("password")).isEqualTo("from-file");
        Options fromEnvironment = Options.parse(java.util.List.of(), Map.of("SLUICE_PASSWORD", "from-env"));
        assertThat(fromEnvironment.secret("password")).isEqualTo("from-env");
        Options fromFlag = Options.parse(java.util.List.of("--password", "flag"), Map.of("SLUICE_PASSWORD", "env"));
        assertThat(fromFlag.secret("password")).isEqualTo("flag");
    }
}

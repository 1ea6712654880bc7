package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke run of {@code scripts/quickstart}: its main, twice, the second resuming from the first. */
class QuickstartIT {

    @Test
    void runsFreshThenResumes(@TempDir Path dir) throws Exception {
        Path lake = dir.resolve("lake");
        Path data = dir.resolve("postgres");

        assertThat(Quickstart.run(lake, data, 3)).as("first run: the lake equals the database").isTrue();
        assertThat(Quickstart.run(lake, data, 2)).as("second run, resumed: the lake equals the database").isTrue();
    }
}

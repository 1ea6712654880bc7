package dev.sluice.examples.extending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Pipeline;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.testkit.MemorySink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TextFileSource} through a real {@link Pipeline}, into the testkit's {@link MemorySink}. */
class TextFileSourceTest {

    @TempDir
    Path dir;

    @Test
    void capturesEveryCompleteLineOnceAcrossRestarts() throws Exception {
        Path file = dir.resolve("events.txt");
        Files.writeString(file, "alpha\nbeta\ngam", StandardCharsets.UTF_8); // "gam…" is still being written
        FileOffsetStore offsets = FileOffsetStore.in(dir.resolve("offsets"));

        MemorySink first = new MemorySink();
        CatchUpReport report = run(file, first, offsets);

        assertThat(report.caughtUp()).isTrue();
        assertThat(rows(first.durable())).containsExactly(List.of(0L, "alpha"), List.of(6L, "beta"));
        assertThat(offsets.load("ext-textfile")).contains("textfile:11");

        Files.writeString(file, "ma\ndelta \u00fc\u20ac\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        MemorySink second = new MemorySink();
        run(file, second, offsets);

        // the restart resumes after the stored offset: no line again, none missed, the partial one now whole
        assertThat(rows(second.durable())).containsExactly(List.of(11L, "gamma"), List.of(17L, "delta \u00fc\u20ac"));
        assertThat(second.durable().get(1).offset()).isEqualTo(new FilePosition(Files.size(file)));
        assertThat(offsets.load("ext-textfile")).contains("textfile:" + Files.size(file));
    }

    @Test
    void refusesAFileShorterThanItsCommittedOffset() throws Exception {
        Path file = dir.resolve("events.txt");
        Files.writeString(file, "one\ntwo\n", StandardCharsets.UTF_8);
        FileOffsetStore offsets = FileOffsetStore.in(dir.resolve("offsets"));
        run(file, new MemorySink(), offsets);

        Files.writeString(file, "new\n", StandardCharsets.UTF_8); // replaced: the lines after offset 8 are gone

        MemorySink sink = new MemorySink();
        assertThatThrownBy(() -> run(file, sink, offsets))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("truncated or replaced")
                .hasMessageContaining("delete the pipeline's stored offset");
        assertThat(sink.durable()).isEmpty();
    }

    private static CatchUpReport run(Path file, MemorySink sink, FileOffsetStore offsets) throws InterruptedException {
        Pipeline pipeline = Pipeline.builder()
                .name("ext-textfile")
                .source(TextFileSource.of(file))
                .sink(sink)
                .offsetStore(offsets)
                .maxRetries(0)
                .build();
        return pipeline.runUntilCaughtUp();
    }

    private static List<List<Object>> rows(List<ChangeEvent> events) {
        return events.stream().map(e -> e.after().values()).toList();
    }
}

package dev.sluice.examples.extending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.Pipeline;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.PipelineContext;
import dev.sluice.json.Json;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JsonLinesSink} through a real {@link Pipeline}, from the testkit's {@link MemorySource}. */
class JsonLinesSinkTest {

    private static final long EVENTS = 200;

    @TempDir
    Path dir;

    @Test
    void resumesAfterCrashWithoutLossOrDuplicates() throws Exception {
        Path out = dir.resolve("out");
        JsonLinesSink sink = JsonLinesSink.in(out);

        // a process that halts inside its third commit: batches 1-2 committed, batch 3 on disk but not committed
        Process crashed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingPipeline.class.getName(),
                out.toString(), "ext-jsonl", Long.toString(EVENTS), "3")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("crashed.log").toFile())
                .start();
        assertThat(crashed.waitFor(5, TimeUnit.MINUTES)).as("the crashing process ended").isTrue();
        assertThat(crashed.exitValue()).as("exit code; see " + dir.resolve("crashed.log"))
                .isEqualTo(CrashingPipeline.HALTED);
        List<String> committedBefore = sink.readCommitted("ext-jsonl");
        List<String> onDisk = Files.readAllLines(sink.linesFile("ext-jsonl"));
        assertThat(committedBefore).isNotEmpty();
        assertThat(onDisk).as("the crash left lines written but not committed").hasSizeGreaterThan(committedBefore.size());
        assertThat(sink.committedOffset("ext-jsonl")).contains(offset(committedBefore.get(committedBefore.size() - 1)));

        // the restart: the same pipeline, offsets kept in the sink
        Pipeline.builder()
                .name("ext-jsonl")
                .source(MemorySource.withEvents(EVENTS))
                .sink(sink)
                .maxRetries(0)
                .build()
                .runUntilCaughtUp();

        List<String> lines = sink.readCommitted("ext-jsonl");
        List<String> expected = LongStream.rangeClosed(1, EVENTS).mapToObj(seq -> "mem:" + seq).toList();
        assertThat(lines.stream().map(JsonLinesSinkTest::offset).toList()).isEqualTo(expected);
        assertThat(lines.stream().map(JsonLinesSinkTest::id).toList())
                .isEqualTo(LongStream.rangeClosed(1, EVENTS).boxed().toList());
        assertThat(Files.readAllLines(sink.linesFile("ext-jsonl"))).isEqualTo(lines);
        assertThat(sink.committedOffset("ext-jsonl")).contains("mem:" + EVENTS);
    }

    @Test
    void refusesAnOffsetStoreOfThePipelinesOwn() {
        Pipeline pipeline = Pipeline.builder()
                .name("ext-jsonl-store")
                .source(MemorySource.withEvents(3))
                .sink(JsonLinesSink.in(dir))
                .offsetStore(new InMemoryOffsetStore())
                .build();

        assertThatThrownBy(() -> pipeline.startAndAwait(Duration.ofMinutes(1)))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("without offsetStore(...)");
    }

    @Test
    void aSecondWriterOfThePipelineIsRefused() {
        PipelineContext context = PipelineContext.of("ext-jsonl-twice", Clock.systemUTC()).withExactlyOnce();
        JsonLinesSink first = JsonLinesSink.in(dir);
        JsonLinesSink second = JsonLinesSink.in(dir);
        first.open(context);
        try {
            assertThatThrownBy(() -> second.open(context))
                    .isInstanceOf(PipelineAlreadyRunningException.class)
                    .hasMessageContaining("ext-jsonl-twice.lock");
        } finally {
            first.close();
        }
        second.open(context); // the first has let go
        second.close();
    }

    private static String offset(String line) {
        return (String) ((Map<?, ?>) Json.parse(line)).get("offset");
    }

    private static long id(String line) {
        Map<?, ?> after = (Map<?, ?>) ((Map<?, ?>) Json.parse(line)).get("after");
        return ((BigDecimal) after.get("id")).longValueExact();
    }
}

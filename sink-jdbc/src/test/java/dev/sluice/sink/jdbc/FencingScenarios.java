package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.MemorySource;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

/** One writer per pipeline: a second process of the same pipeline stops at open and damages nothing. */
final class FencingScenarios {

    private FencingScenarios() {}

    static void aSecondSinkOfThePipelineStopsAtOpenUntilTheFirstCloses(Db db) throws Exception {
        MemorySource source = MemorySource.withEvents(20).payloadBytes(3);
        PipelineContext context = ApplyScenarios.context("fence-open").withExactlyOnce();
        JdbcSink first = db.sink().build();
        JdbcSink second = db.sink().build();
        assertThat(first.committedOffset("fence-open")).isEmpty();
        first.open(context);
        try {
            first.write(List.of(source.event(1, context), source.event(2, context)));
            first.flush();
            first.commit("fence-open", "mem:2");
            assertThatThrownBy(() -> second.open(context))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("pipeline fence-open is already running")
                    .hasMessageContaining(db.postgres ? "PostgreSQL backend pid " : "connection id ")
                    .hasMessageContaining("Fix:");
            // nor can the second process commit an offset over the first's
            assertThatThrownBy(() -> second.commit("fence-open", "mem:1"))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("pipeline fence-open is already running");
            // another pipeline in the same target is not affected
            second.open(ApplyScenarios.context("fence-other").withExactlyOnce());
            second.close();
        } finally {
            first.close();
        }
        assertThat(db.offset("fence-open")).isEqualTo("mem:2");
        // the first closed: its pooled connection gave the lock back, the next writer takes over
        second.open(context);
        try {
            second.write(List.of(source.event(3, context)));
            second.commit("fence-open", "mem:3");
        } finally {
            second.close();
        }
        assertThat(db.offset("fence-open")).isEqualTo("mem:3");
        assertThat(db.rows("SELECT id FROM items ORDER BY id")).containsExactly("1", "2", "3");
    }

    static void twoPipelinesOfOneNameRunningTogetherDoNotDamageEachOther(Db db) throws Exception {
        MemorySource firstSource = MemorySource.withEvents(1_000_000).maxPerPoll(20).payloadBytes(3);
        Pipeline first = Pipeline.builder().name("fenced").source(firstSource).sink(db.sink().batchSize(20).build())
                .batchSize(20).commitInterval(Duration.ofMillis(20)).build();
        first.start();
        try {
            for (int i = 0; i < 3000 && progress(db) < 200; i++) { // a bound, not an assertion on time
                Thread.sleep(10);
            }
            assertThat(progress(db)).isGreaterThanOrEqualTo(200);
            // the second process's source would write other payloads (7 bytes) from the same offset on
            MemorySource secondSource = MemorySource.withEvents(1_000_000).maxPerPoll(20).payloadBytes(7);
            Pipeline second = Pipeline.builder().name("fenced").source(secondSource)
                    .sink(db.sink().batchSize(20).build()).batchSize(20).commitInterval(Duration.ofMillis(20))
                    .build();
            assertThatThrownBy(() -> second.runUntilCaughtUp())
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("pipeline fenced is already running");
            long seen = progress(db);
            for (int i = 0; i < 3000 && progress(db) < seen + 200; i++) {
                Thread.sleep(10);
            }
            assertThat(first.status().state().isTerminal()).as("the first pipeline still runs").isFalse();
        } finally {
            first.close();
        }
        long committed = progress(db);
        assertThat(db.rows("SELECT id FROM items ORDER BY id").stream().map(Long::parseLong).toList())
                .isEqualTo(LongStream.rangeClosed(1, committed).boxed().toList());
        assertThat(db.rows("SELECT DISTINCT length(payload) FROM items")).as("only the first pipeline's rows").containsExactly("3");
    }

    private static long progress(Db db) throws Exception {
        String offset = db.offset("fenced");
        return offset == null ? 0 : Long.parseLong(offset.substring(4));
    }
}

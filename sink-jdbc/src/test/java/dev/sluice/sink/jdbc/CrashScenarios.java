package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.testkit.MemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** Crashes inside and between batches; after a restart the target equals the source and the offset matches it. */
final class CrashScenarios {

    private CrashScenarios() {}

    /** The ids in the target table, in order. */
    private static List<Long> ids(Db db) throws Exception {
        return db.rows("SELECT id FROM items ORDER BY id").stream().map(Long::parseLong).toList();
    }

    private static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static List<ChangeEvent> events(MemorySource source, PipelineContext context, long from, long to) {
        List<ChangeEvent> events = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            events.add(source.event(seq, context));
        }
        return events;
    }

    static void aConnectionKilledInsideABatchLosesOnlyTheUncommittedBatch(Db db) throws Exception {
        MemorySource source = MemorySource.withEvents(40).payloadBytes(3);
        JdbcSink sink = db.sink().build();
        PipelineContext context = ApplyScenarios.context("killed").withExactlyOnce(); // as the engine says
        assertThat(sink.committedOffset("killed")).isEmpty();
        sink.open(context);
        sink.write(events(source, context, 1, 10));
        sink.flush();
        sink.commit("killed", "mem:10");
        sink.write(events(source, context, 11, 20)); // applied, not committed
        sink.flush();
        assertThat(db.killConnections()).isPositive();
        assertThatThrownBy(() -> sink.write(events(source, context, 21, 30))).isInstanceOf(RetriableException.class);
        sink.close();

        assertThat(db.offset("killed")).isEqualTo("mem:10");
        assertThat(ids(db)).isEqualTo(oneTo(10));

        // the restart resumes from the offset committed in the sink
        Pipeline pipeline = Pipeline.builder().name("killed").source(source).sink(sink)
                .commitInterval(Duration.ofMillis(50)).build();
        pipeline.runUntilCaughtUp();
        assertThat(db.offset("killed")).isEqualTo("mem:40");
        assertThat(ids(db)).isEqualTo(oneTo(40));
        assertThat(db.rows("SELECT count(*) FROM items WHERE payload IS NULL")).containsExactly("0");
    }

    static void aPipelineWhoseConnectionsAreKilledRecoversExactly(Db db) throws Exception {
        MemorySource source = MemorySource.withEvents(20_000).maxPerPoll(50);
        JdbcSink sink = db.sink().batchSize(20).build();
        Pipeline pipeline = Pipeline.builder().name("recover").source(source).sink(sink).batchSize(50)
                .commitInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        pipeline.start();
        try {
            int kills = 0;
            long lastKill = 0;
            while (kills < 3 && !pipeline.status().state().isTerminal()) {
                String offset = db.offset("recover");
                long seq = offset == null ? 0 : Long.parseLong(offset.substring(4));
                if (seq == source.head()) {
                    break; // caught up before three kills: the kills that happened are still checked below
                }
                // each kill after 300 more committed events, and once the pipeline recovered from the one before
                if (seq > lastKill + 300 && pipeline.status().recoveries() == kills) {
                    db.killConnections();
                    kills++;
                    lastKill = seq;
                }
                Thread.sleep(10);
            }
        } finally {
            pipeline.close();
        }
        String offset = db.offset("recover");
        long committed = Long.parseLong(offset.substring(4));
        assertThat(ids(db)).as("rows match the committed offset %s", offset).isEqualTo(oneTo(committed));
        assertThat(pipeline.status().recoveries()).isPositive();

        Pipeline rest = Pipeline.builder().name("recover").source(source).sink(sink)
                .commitInterval(Duration.ofMillis(50)).build();
        rest.runUntilCaughtUp();
        assertThat(ids(db)).isEqualTo(oneTo(20_000));
        assertThat(db.offset("recover")).isEqualTo("mem:20000");
    }

    static void aKilledProcessLeavesDataAndOffsetTogether(Db db) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashingPipeline.class.getName(), db.database.jdbcUrl(), db.database.user(), db.database.password())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            for (int i = 0; i < 6000 && child.isAlive(); i++) { // a bound, not an assertion on time
                String offset = db.offset(CrashingPipeline.NAME);
                if (offset != null && Long.parseLong(offset.substring(4)) >= 500) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(child.isAlive()).as("the child still runs").isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no close, no commit, a transaction left open
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String offset = db.offset(CrashingPipeline.NAME);
        long committed = Long.parseLong(offset.substring(4));
        assertThat(committed).isGreaterThanOrEqualTo(500);
        assertThat(ids(db)).as("rows match the committed offset %s", offset).isEqualTo(oneTo(committed));

        MemorySource source = MemorySource.withEvents(committed + 200);
        JdbcSink sink = db.sink().build();
        Pipeline.builder().name(CrashingPipeline.NAME).source(source).sink(sink)
                .commitInterval(Duration.ofMillis(50)).build().runUntilCaughtUp();
        assertThat(ids(db)).isEqualTo(oneTo(committed + 200));
        assertThat(db.offset(CrashingPipeline.NAME)).isEqualTo("mem:" + (committed + 200));
    }

    /** The child process: a pipeline committing small batches until it is killed. */
    public static final class CrashingPipeline {
        static final String NAME = "crashing";

        public static void main(String[] args) throws Exception {
            JdbcSink sink = JdbcSink.builder().jdbcUrl(args[0]).user(args[1]).password(args[2]).build();
            Pipeline pipeline = Pipeline.builder().name(NAME).source(MemorySource.withEvents(10_000_000).maxPerPoll(30))
                    .sink(sink).batchSize(30).commitInterval(Duration.ofMillis(15)).build();
            pipeline.start();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}

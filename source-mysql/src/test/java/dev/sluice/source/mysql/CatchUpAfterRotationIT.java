package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * "Sync now" on an idle server whose binlog was rotated since the last run: the stream reaches the head, which is
 * past the new file's header events, and the run ends. (A server of the test's own: the shared one is never idle.)
 */
class CatchUpAfterRotationIT {

    @Test
    void runUntilCaughtUpEndsOnAnIdleServerAfterABinlogRotation() throws Exception {
        assumeTrue(PrivateMariaDb.available(), "needs mariadbd and mariadb-install-db");
        try (PrivateMariaDb server = new PrivateMariaDb(79)) {
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY)",
                    "INSERT INTO shop.t VALUES (1)");
            MySqlSource source = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("root")
                    .tables(TableFilter.include("shop.*")).serverId(5003).keepAliveInterval(Duration.ofSeconds(1))
                    .build();
            InMemoryOffsetStore offsets = new InMemoryOffsetStore();
            MemorySink sink = new MemorySink();
            assertThat(run(source, sink, offsets).caughtUp()).isTrue();
            server.execute("FLUSH BINARY LOGS");
            assertThat(run(source, sink, offsets).caughtUp()).as("the second run after the rotation").isTrue();
            assertThat(offsets.load("rotation-it")).hasValueSatisfying(o -> assertThat(o).contains("bin.000002"));
            // and resuming from a position past the new file's header events is a valid, checked position
            server.execute("INSERT INTO shop.t VALUES (2)");
            assertThat(run(source, sink, offsets).caughtUp()).as("a third run").isTrue();
            assertThat(sink.durable()).extracting(e -> e.op() + ":" + (e.after() == null ? "-" : e.after().get(0)))
                    .containsExactly("TRUNCATE:-", "READ:1", "INSERT:2");
        }
    }

    private static CatchUpReport run(MySqlSource source, MemorySink sink, InMemoryOffsetStore offsets)
            throws Exception {
        Pipeline pipeline = Pipeline.builder().name("rotation-it").source(source).sink(sink).offsetStore(offsets)
                .build();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<CatchUpReport> report = runner.submit(() -> pipeline.runUntilCaughtUp());
            try {
                return report.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return fail("runUntilCaughtUp did not end within 30 s on an idle server: " + pipeline.status());
            }
        } finally {
            pipeline.close();
            runner.shutdownNow();
        }
    }
}

package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per pipeline: a second sink of the same pipeline and location stops at once and cannot damage the
 * first's data; a writer whose S3 lease was lost stops at its next commit; at-least-once records hold no offset;
 * recovery and promotion of files that are gone or too large for one copy.
 */
@ExtendWith(S3Extension.class)
class FencingIT {

    @TempDir
    Path work;

    private static List<ChangeEvent> items(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(n -> TestEvents.item(Op.INSERT, n, n, TestEvents.T0)).toList();
    }

    private static ParquetSink.Builder s3(S3Bucket bucket, String prefix) {
        return ParquetSink.builder().s3(bucket.bucket(), prefix).endpoint(bucket.endpoint()).pathStyle(true)
                .region(bucket.region()).credentials(bucket.accessKey(), bucket.secretKey());
    }

    private static List<List<Object>> rows(Path lake) throws Exception {
        return Duck.query("SELECT id, _seq, _position FROM " + Duck.all(lake) + " ORDER BY _seq");
    }

    private static List<List<Object>> expected(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(n -> List.<Object>of(n, n, "test:" + n)).toList();
    }

    /** A, committing; B starts on the same location: B stops at once, A goes on, A's data is whole. */
    private static void secondWriterStopsAtOnce(ParquetSink.Builder builder) {
        ParquetSink first = builder.build();
        Runs.open(first, "p");
        Runs.commit(first, "p", items(1, 3));
        first.write(items(4, 6));
        first.flush(); // staged, not yet committed: the second writer must not touch them

        ParquetSink second = builder.build();
        assertThatThrownBy(() -> Runs.open(second, "p")).isInstanceOf(FatalException.class)
                .hasMessageContaining("pipeline p is already running").hasMessageContaining("Fix:");
        second.close();

        Runs.store(first).save("p", "test:6");
        Runs.commit(first, "p", items(7, 8));
        first.close();

        ParquetSink third = builder.build(); // once the first is gone, the next starts at once
        assertThat(Runs.open(third, "p")).isEqualTo("test:8");
        Runs.commit(third, "p", items(9, 9));
        third.close();
    }

    @Test
    void aSecondWriterInTheSameFolderStopsAtOnceAndTheFirstsDataIsIntact() throws Exception {
        Path lake = work.resolve("lake");
        secondWriterStopsAtOnce(ParquetSink.builder().localFolder(lake));
        assertThat(rows(lake)).containsExactlyElementsOf(expected(1, 9));
    }

    @Test
    void aSecondWriterOnTheSameS3PrefixStopsAtOnceAndTheFirstsDataIsIntact(S3Bucket bucket) throws Exception {
        secondWriterStopsAtOnce(s3(bucket, "fenced"));
        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "fenced/", copy);
        assertThat(rows(copy)).containsExactlyElementsOf(expected(1, 9));
    }

    /**
     * Two pipelines of one name on one location at the same time: the second fails at once with "already running",
     * the first runs to its end, and the lake holds each change exactly once.
     */
    private static void twoPipelinesAtOnce(ParquetSink.Builder builder) throws Exception {
        long total = 2000;
        try (Pipeline first = Pipeline.builder().name("twice").source(new GeneratorSource(total, 5, 10))
                .sink(builder.build()).commitInterval(Duration.ofMillis(50)).build()) {
            CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return first.runUntilCaughtUp().caughtUp();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            while (first.status().eventsCommitted() < total / 4) {
                Thread.sleep(10);
            }
            try (Pipeline second = Pipeline.builder().name("twice").source(new GeneratorSource(total, 20, 5))
                    .sink(builder.build()).commitInterval(Duration.ofMillis(50)).build()) {
                assertThatThrownBy(() -> second.runUntilCaughtUp()).isInstanceOf(FatalException.class)
                        .hasMessageContaining("pipeline twice is already running");
            }
            assertThat(run).as("the first pipeline still running when the second stopped").isNotDone();
            assertThat(run.get(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void assertExactlyOnce(Path lake, long total) throws Exception {
        assertThat(Duck.query("SELECT count(*), count(DISTINCT _seq), min(_seq), max(_seq),"
                + " count(*) FILTER (WHERE _position = 'gen:' || _seq) FROM " + Duck.all(lake.resolve("gen"))))
                .containsExactly(List.of(total, total, 1L, total, total));
    }

    @Test
    void twoPipelinesOfOneNameOnOneFolderTheSecondFailsAndTheFirstWritesEachChangeOnce() throws Exception {
        Path lake = work.resolve("lake");
        twoPipelinesAtOnce(ParquetSink.builder().localFolder(lake));
        assertExactlyOnce(lake, 2000);
    }

    @Test
    void twoPipelinesOfOneNameOnOneS3PrefixTheSecondFailsAndTheFirstWritesEachChangeOnce(S3Bucket bucket)
            throws Exception {
        twoPipelinesAtOnce(s3(bucket, "twice"));
        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "twice/", copy);
        assertExactlyOnce(copy, 2000);
    }

    @Test
    void aWriterWhoseLeaseWasLostStopsAtItsNextCommitByTheConditionalPut(S3Bucket bucket) throws Exception {
        ParquetSink first = s3(bucket, "lost").writerLease(Duration.ofSeconds(3)).build(); // renewed every second
        Runs.open(first, "p");
        Runs.commit(first, "p", items(1, 3));
        first.write(items(4, 6));
        first.flush();
        // the first writer paused (a long GC, a network partition) past its lease: the lease is gone
        S3Copy.delete(bucket, "lost/_sluice/p/lease.json");

        ParquetSink second = s3(bucket, "lost").build();
        assertThat(Runs.open(second, "p")).isEqualTo("test:3");
        String lease = S3Copy.text(bucket, "lost/_sluice/p/lease.json");
        Thread.sleep(1500); // the first's renewal runs: it must leave the second's lease alone
        assertThat(S3Copy.text(bucket, "lost/_sluice/p/lease.json")).isEqualTo(lease);
        // the first wakes up: its commit record's number is taken (If-None-Match: *), it stops without committing
        assertThatThrownBy(() -> Runs.store(first).save("p", "test:6")).isInstanceOf(FatalException.class)
                .hasMessageContaining("pipeline p is already running").hasMessageContaining("Fix:");
        first.close();
        Runs.commit(second, "p", items(4, 7));
        second.close();

        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "lost/", copy);
        assertThat(rows(copy)).containsExactlyElementsOf(expected(1, 7));
    }

    @Test
    void twoWritersCreatingTheSameCommitRecordOnlyOneWins(S3Bucket bucket) {
        S3Settings settings = new S3Settings(bucket.bucket(), "race", bucket.endpoint(), bucket.region(), true,
                bucket.accessKey(), bucket.secretKey(), 64L << 20, 16L << 20, 3, Duration.ofSeconds(10));
        try (S3ObjectStore store = new S3ObjectStore(settings, Duration.ofSeconds(60))) {
            assertThat(store.create("k.json", "a".getBytes())).isTrue();
            assertThat(store.create("k.json", "b".getBytes())).isFalse();
            assertThat(store.get("k.json")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("a"));
        }
        LocalObjectStore local = new LocalObjectStore(work.resolve("race"));
        assertThat(local.create("k.json", "a".getBytes())).isTrue();
        assertThat(local.create("k.json", "b".getBytes())).isFalse();
        assertThat(local.get("k.json")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("a"));
    }

    @Test
    void atLeastOnceRecordsHoldNoOffsetAndTheSinksStoreRefusesToResumeFromThem() throws Exception {
        Path lake = work.resolve("lake");
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 2)); // exactly once: offset test:2
        sink.close();
        ParquetSink elsewhere = ParquetSink.builder().localFolder(lake).build();
        PipelineContext atLeastOnce = PipelineContext.of("p", Clock.systemUTC()); // offsets in another store
        assertThatThrownBy(() -> elsewhere.open(atLeastOnce)).isInstanceOf(FatalException.class)
                .hasMessageContaining("last committed its offset with its data")
                .hasMessageContaining("sink.deleteOffset(\"p\")");
        elsewhere.deleteOffset("p"); // the move to the other store, as the message says
        elsewhere.open(atLeastOnce);
        elsewhere.write(items(3, 5));
        elsewhere.flush();
        elsewhere.close();
        assertThat(Files.readString(lake.resolve("_sluice/p/commits/00000000000000000005.json")))
                .contains("\"offset\":null", "\"offsetElsewhere\":true");

        ParquetSink back = ParquetSink.builder().localFolder(lake).build();
        assertThatThrownBy(() -> Runs.store(back).load("p")).isInstanceOf(FatalException.class)
                .hasMessageContaining("holds no offset").hasMessageContaining("Fix:");
        Runs.store(back).delete("p");
        assertThat(Runs.open(back, "p")).isNull(); // afresh, as asked
        back.close();
        assertThat(rows(lake)).extracting(r -> r.get(0)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aCommittedFileRemovedDownstreamDoesNotBlockRecovery() throws Exception {
        Path lake = work.resolve("lake");
        ParquetSink sink = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 2));
        sink.close();
        Files.delete(lake.resolve("mem/items/part-00000000000000000001-p-1.parquet")); // compacted, expired
        ParquetSink restarted = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        assertThat(Runs.open(restarted, "p")).isEqualTo("test:2");
        Runs.commit(restarted, "p", items(3, 3));
        restarted.close();
        assertThat(rows(lake)).containsExactly(List.of(3L, 3L, "test:3"));
    }

    @Test
    void aFileLargerThanOneCopyIsPromotedInParts(S3Bucket bucket) throws Exception {
        S3Settings settings = new S3Settings(bucket.bucket(), "parts", bucket.endpoint(), bucket.region(), true,
                bucket.accessKey(), bucket.secretKey(), 64L << 20, 5L << 20, 3, Duration.ofSeconds(30));
        byte[] content = new byte[(12 << 20) + 12345];
        new Random(3).nextBytes(content);
        Path file = work.resolve("big.bin");
        Files.write(file, content);
        // a copy limit of 5 MiB stands for S3's 5 GiB
        try (S3ObjectStore store = new S3ObjectStore(settings, Duration.ofSeconds(60), 5L << 20)) {
            store.upload(file, "staging/big.pending");
            store.promote("staging/big.pending", "final/big.parquet", content.length);
            assertThat(store.get("final/big.parquet")).hasValueSatisfying(v -> assertThat(v).isEqualTo(content));
            assertThat(store.get("staging/big.pending")).isEmpty();
        }
    }
}

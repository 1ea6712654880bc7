package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The sink against a real S3 server (S3Proxy in process): layout, multipart, permanent and transient faults. */
@ExtendWith(S3Extension.class)
class S3SinkIT {

    @TempDir
    Path work;

    private static ParquetSink.Builder sink(S3Bucket bucket, String prefix) {
        return ParquetSink.builder().s3(bucket.bucket(), prefix).endpoint(bucket.endpoint()).pathStyle(true)
                .region(bucket.region()).credentials(bucket.accessKey(), bucket.secretKey());
    }

    @Test
    void writesEveryTypeToS3AndOnlyCommittedFilesAreListed(S3Bucket bucket) throws Exception {
        ParquetSink sink = sink(bucket, "lake/cdc").build();
        Runs.open(sink, "s3p");
        Runs.commit(sink, "s3p", List.of(TestEvents.insert(1, 1), TestEvents.insert(2, 2)));
        sink.write(List.of(TestEvents.insert(3, 3)));
        sink.flush(); // staged, not committed
        sink.close();
        assertThat(S3Copy.keys(bucket, "lake/cdc/")).filteredOn(k -> k.endsWith(".parquet")).containsExactly(
                "lake/cdc/shop/all_types/_date=2024-05-31/part-00000000000000000001-s3p-1.parquet");
        assertThat(S3Copy.keys(bucket, "lake/cdc/")).contains("lake/cdc/_sluice/s3p/commits/00000000000000000002.json")
                .anyMatch(k -> k.startsWith("lake/cdc/_sluice/s3p/staging/") && k.endsWith(".parquet.pending"));

        ParquetSink restarted = sink(bucket, "lake/cdc").build();
        assertThat(Runs.open(restarted, "s3p")).isEqualTo("test:2");
        assertThat(S3Copy.keys(bucket, "lake/cdc/_sluice/s3p/staging/")).isEmpty();
        restarted.close();

        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "lake/cdc/", copy);
        assertThat(Duck.query("SELECT id, d_big::VARCHAR, tstz = TIMESTAMPTZ '2024-03-31 01:30:00.654321+00', u::VARCHAR,"
                + " _seq FROM " + Duck.all(copy) + " ORDER BY _seq")).containsExactly(
                List.of(1L, "-1234567890123456789012345678.0123456789", true, "123e4567-e89b-12d3-a456-426614174000",
                        1L),
                List.of(2L, "-1234567890123456789012345678.0123456789", true, "123e4567-e89b-12d3-a456-426614174000",
                        2L));
    }

    @Test
    void largeFilesGoAsCompletedMultipartUploads(S3Bucket bucket) throws Exception {
        ParquetSink sink = sink(bucket, "big").multipartThreshold(5L << 20).partSize(5L << 20)
                .compression(Compression.NONE).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "mp");
        TableId table = TableId.of("mem", "blobs");
        Schema schema = Schema.builder().column(Column.of("id", Type.INT64).notNull()).column("payload", Type.BYTES)
                .key("id").build();
        List<ChangeEvent> events = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (long n = 1; n <= 120; n++) {
            byte[] payload = new byte[100_000];
            random.nextBytes(payload);
            events.add(ChangeEvent.builder(Op.INSERT, table, schema).after(Row.of(n, payload))
                    .offset(new TestEvents.N(n)).commitTime(TestEvents.T0).build());
        }
        sink.write(events);
        sink.flush();
        List<String> staged = S3Copy.keys(bucket, "big/_sluice/mp/staging/");
        assertThat(staged).hasSize(1);
        try (S3Client s3 = S3Copy.client(bucket)) {
            var head = s3.headObject(b -> b.bucket(bucket.bucket()).key(staged.get(0)));
            assertThat(head.contentLength()).isGreaterThan(12_000_000L);
            assertThat(head.eTag()).endsWith("-3\""); // the ETag of a completed three-part upload
        }
        Runs.store(sink).save("mp", "test:120");
        sink.close();
        assertThat(S3Copy.keys(bucket, "big/")).contains("big/mem/blobs/part-00000000000000000001-mp-1.parquet");
        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "big/", copy);
        assertThat(Duck.query("SELECT count(*), sum(octet_length(payload))::BIGINT, max(id) FROM " + Duck.all(copy)))
                .containsExactly(List.of(120L, 12_000_000L, 120L));
    }

    @Test
    void aMissingBucketIsFatalAndSaysHowToFixIt(S3Bucket bucket) {
        ParquetSink sink = ParquetSink.builder().s3("no-such-bucket-" + System.nanoTime(), "x")
                .endpoint(bucket.endpoint()).pathStyle(true).credentials(bucket.accessKey(), bucket.secretKey())
                .build();
        assertThatThrownBy(() -> sink.open(Runs.context("p"))).isInstanceOf(FatalException.class)
                .hasMessageContaining("does not exist").hasMessageContaining("Fix: create it");
        sink.close();
    }

    @Test
    void wrongCredentialsAreFatalAndSayHowToFixThem(S3Bucket bucket) {
        ParquetSink sink = ParquetSink.builder().s3(bucket.bucket(), "x").endpoint(bucket.endpoint())
                .pathStyle(true).credentials("wrong-key", "wrong-secret").build();
        assertThatThrownBy(() -> sink.open(Runs.context("p"))).isInstanceOf(FatalException.class)
                .hasMessageContaining("Fix:").hasMessageNotContaining("wrong-secret");
        sink.close();
        assertThat(sink.toString()).doesNotContain("wrong-secret");
    }

    @Test
    void aDroppedConnectionIsRetriedByTheClient(S3Bucket bucket) throws Exception {
        try (FaultProxy proxy = new FaultProxy(bucket.endpoint())) {
            ParquetSink sink = ParquetSink.builder().s3(bucket.bucket(), "flaky").endpoint(proxy.endpoint())
                    .pathStyle(true).credentials(bucket.accessKey(), bucket.secretKey()).maxAttempts(4).build();
            Runs.open(sink, "p");
            proxy.dropNextConnections(2);
            int before = proxy.connections();
            Runs.commit(sink, "p", List.of(TestEvents.item(Op.INSERT, 1, 1, TestEvents.T0)));
            assertThat(proxy.connections() - before).isGreaterThanOrEqualTo(3); // two dropped, then served
            sink.close();
        }
        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "flaky/", copy);
        assertThat(Duck.query("SELECT id, _seq FROM " + Duck.all(copy))).containsExactly(List.of(1L, 1L));
    }

    @Test
    void anEndpointGoneForAWhileEndsInRecoveryWithoutLossOrDuplicates(S3Bucket bucket) throws Exception {
        long total = 3000;
        try (FaultProxy proxy = new FaultProxy(bucket.endpoint())) {
            ParquetSink sink = ParquetSink.builder().s3(bucket.bucket(), "outage").endpoint(proxy.endpoint())
                    .pathStyle(true).credentials(bucket.accessKey(), bucket.secretKey()).maxAttempts(2)
                    .requestTimeout(Duration.ofSeconds(2)).build();
            try (Pipeline pipeline = Pipeline.builder().name("outage").source(new GeneratorSource(total, 20, 5))
                    .sink(sink).commitInterval(Duration.ofMillis(100)).batchDelay(Duration.ofMillis(5))
                    .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400)).build()) {
                CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return pipeline.runUntilCaughtUp().caughtUp();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
                while (pipeline.status().eventsCommitted() < total / 5) {
                    Thread.sleep(20);
                }
                proxy.down();
                while (pipeline.status().state() != PipelineState.RECOVERING) {
                    Thread.sleep(20);
                }
                Thread.sleep(1500); // a few reopenings fail while the endpoint is away
                proxy.up();
                assertThat(run.get(60, TimeUnit.SECONDS)).isTrue();
                assertThat(pipeline.status().recoveries()).isPositive();
            }
        }
        Path copy = work.resolve("copy");
        S3Copy.download(bucket, "outage/", copy);
        assertThat(Duck.query("SELECT count(*), count(DISTINCT _seq), min(_seq), max(_seq),"
                + " count(*) FILTER (WHERE _position = 'gen:' || _seq) FROM " + Duck.all(copy.resolve("gen"))))
                .containsExactly(List.of(total, total, 1L, total, total));
    }
}

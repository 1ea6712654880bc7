package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.offset.InMemoryOffsetStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit protocol at each crash window, in a local folder, step by step. */
class CommitProtocolIT {

    @TempDir
    Path lake;

    private static List<ChangeEvent> items(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(n -> TestEvents.item(Op.INSERT, n, n, TestEvents.T0)).toList();
    }

    private List<Path> dataFiles() throws Exception {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    private List<Path> staged() throws Exception {
        Path staging = lake.resolve("_sluice/p/staging");
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(staging)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<List<Object>> rows() throws Exception {
        return Duck.query("SELECT id, _seq, _position FROM " + Duck.all(lake) + " ORDER BY _seq");
    }

    @Test
    void filesStagedButNotCommittedAreInvisibleAndDiscardedOnOpen() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 3));
        sink.write(items(4, 6));
        sink.flush(); // staged, then the "crash": no save
        assertThat(staged()).hasSize(1);
        assertThat(dataFiles()).hasSize(1); // the *.parquet glob sees only the committed file
        sink.close();

        ParquetSink restarted = ParquetSink.builder().localFolder(lake).build();
        assertThat(Runs.open(restarted, "p")).isEqualTo("test:3");
        assertThat(staged()).isEmpty();
        Runs.commit(restarted, "p", items(4, 6));
        restarted.close();
        assertThat(rows()).containsExactly(List.of(1L, 1L, "test:1"), List.of(2L, 2L, "test:2"),
                List.of(3L, 3L, "test:3"), List.of(4L, 4L, "test:4"), List.of(5L, 5L, "test:5"),
                List.of(6L, 6L, "test:6"));
    }

    @Test
    void aCommitWhosePromotionWasCutShortIsFinishedOnOpen() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        sink.write(items(1, 4));
        sink.flush();
        // the crash: the commit record is written, the staged file never moved
        LocalObjectStore store = new LocalObjectStore(lake);
        List<Path> staged = staged();
        assertThat(staged).hasSize(1);
        String stagedKey = "_sluice/p/staging/1/" + staged.get(0).getFileName();
        CommitRecord record = new CommitRecord(2, "p", "test:4", 5, TestEvents.T0, List.of(new CommitRecord.DataFile(
                "mem/items/part-00000000000000000001-p-1.parquet", stagedKey, "mem.items", 4, 100, 1, 4)));
        store.put(Keys.commitRecord("p", 2), record.toJson());
        sink.close();
        assertThat(dataFiles()).isEmpty();

        ParquetSink restarted = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        assertThat(Runs.open(restarted, "p")).isEqualTo("test:4");
        assertThat(staged()).isEmpty();
        assertThat(dataFiles()).containsExactly(lake.resolve("mem/items/part-00000000000000000001-p-1.parquet"));
        Runs.commit(restarted, "p", items(5, 5));
        restarted.close();
        assertThat(rows()).extracting(r -> r.get(1)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void commitRecordsListTheFilesTheOffsetAndTheNextSeq() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).partitionBy(Partitioning.NONE).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 2));
        Runs.commit(sink, "p", items(3, 5));
        sink.close();
        // record 1 is the writer's claim at open, 2 and 3 the two commits
        String json = Files.readString(lake.resolve("_sluice/p/commits/00000000000000000003.json"));
        assertThat(json).contains("\"offset\":\"test:5\"", "\"nextSeq\":6",
                "\"path\":\"mem/items/part-00000000000000000003-p-1.parquet\"", "\"rows\":3", "\"firstSeq\":3",
                "\"lastSeq\":5");
        CommitRecord record = CommitRecord.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(record.files()).singleElement().satisfies(f -> assertThat(f.bytes())
                .isEqualTo(Files.size(lake.resolve(f.path()))));
    }

    @Test
    void oldCommitRecordsArePrunedButTheFilesStay() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).commitRecordsRetained(2).build();
        Runs.open(sink, "p");
        for (long n = 1; n <= 5; n++) {
            Runs.commit(sink, "p", items(n, n));
        }
        sink.close();
        try (Stream<Path> records = Files.list(lake.resolve("_sluice/p/commits"))) {
            assertThat(records.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("00000000000000000005.json", "00000000000000000006.json");
        }
        assertThat(rows()).hasSize(5);
    }

    @Test
    void aDamagedCommitRecordStopsWithTheFix() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 1));
        sink.close();
        Files.writeString(lake.resolve("_sluice/p/commits/00000000000000000002.json"), "{\"format\":1, trunc");
        assertThatThrownBy(() -> Runs.open(ParquetSink.builder().localFolder(lake).build(), "p"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("00000000000000000002.json").hasMessageContaining("is damaged")
                .hasMessageContaining("Fix:");
    }

    @Test
    void deletingTheOffsetStartsAfreshButKeepsSeqIncreasing() throws Exception {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        Runs.open(sink, "p");
        Runs.commit(sink, "p", items(1, 2));
        Runs.store(sink).delete("p");
        sink.close();
        ParquetSink again = ParquetSink.builder().localFolder(lake).build();
        assertThat(Runs.open(again, "p")).isNull();
        Runs.commit(again, "p", items(1, 1));
        again.close();
        assertThat(rows()).extracting(r -> r.get(1)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void withAnotherOffsetStoreFlushPublishesAtLeastOnce() throws Exception {
        InMemoryOffsetStore offsets = new InMemoryOffsetStore();
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        try (Pipeline pipeline = Pipeline.builder().name("p").source(new GeneratorSource(500, 50, 0)).sink(sink)
                .offsetStore(offsets).commitInterval(Duration.ofMillis(50)).build()) {
            assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
        }
        assertThat(offsets.load("p")).contains("gen:500");
        assertThat(Duck.query("SELECT count(*), count(DISTINCT _seq) FROM " + Duck.all(lake.resolve("gen"))))
                .containsExactly(List.of(500L, 500L));
    }
}

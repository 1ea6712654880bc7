package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MongoEndpoint;
import dev.sluice.testkit.MongoExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A COPY_EXISTING copy of collections whose {@code _id}s are of mixed types, interrupted and resumed, against
 * mongo-java-server. The ids are ones whose order the fake and MongoDB agree on (see {@link MixedIds}).
 */
@ExtendWith(MongoExtension.class)
@Timeout(180)
class CopyResumeIT {

    private final MongoEndpoint mongo;
    private MongoClient client;
    private final List<Pipeline> pipelines = new ArrayList<>();

    CopyResumeIT(MongoEndpoint mongo) {
        this.mongo = mongo;
    }

    @BeforeEach
    void connect() {
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterEach
    void closeAll() {
        pipelines.forEach(Pipeline::close);
        client.close();
    }

    @Test
    void theServerSortsMixedIdsInMongoDbOrderAndEachResumeFilterTakesExactlyTheRest() {
        MongoCollection<BsonDocument> mixed = fill("mixed");
        List<BsonValue> expected = MixedIds.inMongoDbOrder();

        List<BsonValue> sorted = ids(mixed.find().sort(new BsonDocument("_id", new BsonInt32(1))));
        assertThat(sorted).isEqualTo(expected);
        for (int i = 0; i < expected.size(); i++) {
            BsonDocument filter = IdOrder.after(expected.get(i));
            assertThat(ids(mixed.find(filter).sort(new BsonDocument("_id", new BsonInt32(1)))))
                    .as("after %s: %s", expected.get(i), filter)
                    .isEqualTo(expected.subList(i + 1, expected.size()));
        }
    }

    @Test
    void aCopyStoppedAfterAnyDocumentResumesWithNoneReadTwiceAndNoneLost() throws Exception {
        fill("a_mixed");
        fill("b_mixed");
        Map<String, String> expectedA = state("a_mixed");
        Map<String, String> expectedB = state("b_mixed");
        int total = 2 * MixedIds.inMongoDbOrder().size();
        MongoSource source = MongoSource.builder().connectionString(mongo.connectionString())
                .database(mongo.database()).startupMode(StartupMode.COPY_EXISTING).batchSize(1)
                .maxAwaitTime(Duration.ofMillis(50)).build();

        for (int stopAfter = 1; stopAfter < total; stopAfter++) {
            List<ChangeEvent> events = new ArrayList<>();
            String offset;
            try (ChangeStream first = source.open(null, PipelineContext.of("cut", Clock.systemUTC()))) {
                while (events.size() < stopAfter) {
                    events.addAll(first.poll(Duration.ofMillis(100)));
                }
                offset = events.get(events.size() - 1).offset().encode();
            }
            assertThat(offset).startsWith("mongo:copy:").contains("$");
            try (ChangeStream second = source.open(source.decodeOffset(offset),
                    PipelineContext.of("cut", Clock.systemUTC()))) {
                while (events.size() < total) {
                    List<ChangeEvent> more = second.poll(Duration.ofMillis(100));
                    assertThat(more).as("the copy resumed from %s ended early", offset).isNotEmpty();
                    events.addAll(more);
                }
                assertThat(second.poll(Duration.ofMillis(100))).as("after %s", offset).isEmpty();
            }
            assertThat(readsPerKey(events)).as("resumed from %s", offset).hasSize(total)
                    .allSatisfy((key, reads) -> assertThat(reads).as(key).isEqualTo(1));
            assertThat(Rebuilt.apply(of(events, "a_mixed"))).as("resumed from %s", offset).isEqualTo(expectedA);
            assertThat(Rebuilt.apply(of(events, "b_mixed"))).as("resumed from %s", offset).isEqualTo(expectedB);
        }
    }

    @Test
    void theCopyReportsItsProgressWithTheCollectionsEstimate() throws Exception {
        fill("a_mixed");
        fill("b_mixed");
        int each = MixedIds.inMongoDbOrder().size();
        MongoSource source = MongoSource.builder().connectionString(mongo.connectionString())
                .database(mongo.database()).startupMode(StartupMode.COPY_EXISTING).batchSize(5)
                .maxAwaitTime(Duration.ofMillis(50)).build();
        try (ChangeStream stream = source.open(null, PipelineContext.of("progress", Clock.systemUTC()))) {
            List<ChangeEvent> events = new ArrayList<>(stream.poll(Duration.ofMillis(100)));
            SnapshotStatus first = stream.snapshotStatus();
            assertThat(first.table()).isEqualTo(TableId.of(mongo.database(), "a_mixed"));
            assertThat(first.tablesDone()).isZero();
            assertThat(first.tablesTotal()).isEqualTo(2);
            assertThat(first.rowsRead()).isEqualTo(events.size());
            assertThat(first.rowsEstimated()).isEqualTo(2L * each);
            while (events.size() < 2 * each) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            stream.poll(Duration.ofMillis(100)); // the copy ends, streaming begins
            assertThat(stream.snapshotStatus()).isNull();
        }
    }

    @Test
    void aSinkFailureDuringTheCopyResumesAfterTheLastCommittedIdWithNoneReadTwice() throws Exception {
        fill("mixed");
        Map<String, String> expected = state("mixed");
        MemorySink sink = new MemorySink().writeDelay(Duration.ofMillis(30)).failWriteOnce(7);
        MongoSource source = MongoSource.builder().connectionString(mongo.connectionString())
                .database(mongo.database()).collection("mixed").startupMode(StartupMode.COPY_EXISTING)
                .batchSize(3).maxAwaitTime(Duration.ofMillis(50)).build();
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        Pipeline pipeline = Pipeline.builder().name("copy-resume").source(source).sink(sink).offsetStore(store)
                .batchSize(3).batchDelay(Duration.ZERO).commitInterval(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
        pipelines.add(pipeline);
        pipeline.start();

        awaitCondition(() -> Rebuilt.apply(sink.durable()).equals(expected), "the rebuilt state equals the collection");
        assertThat(pipeline.status().recoveries()).isEqualTo(1);
        assertThat(sink.opens()).isEqualTo(2);
        assertThat(readsPerKey(sink.durable())).hasSize(expected.size())
                .allSatisfy((key, reads) -> assertThat(reads).as(key).isEqualTo(1));
    }

    private MongoCollection<BsonDocument> fill(String name) {
        MongoCollection<BsonDocument> collection = client.getDatabase(mongo.database())
                .getCollection(name, BsonDocument.class);
        List<BsonDocument> documents = new ArrayList<>();
        List<BsonValue> ids = new ArrayList<>(MixedIds.inMongoDbOrder());
        Collections.shuffle(ids, new Random(21));
        for (BsonValue id : ids) {
            documents.add(new BsonDocument("_id", id).append("in", new BsonString(name)));
        }
        collection.insertMany(documents);
        return collection;
    }

    private Map<String, String> state(String name) {
        Map<String, String> state = new TreeMap<>();
        for (BsonDocument document : client.getDatabase(mongo.database()).getCollection(name, BsonDocument.class)
                .find()) {
            state.put(BsonText.key(document.get("_id")), BsonText.json(document));
        }
        return state;
    }

    private static List<BsonValue> ids(Iterable<BsonDocument> documents) {
        List<BsonValue> ids = new ArrayList<>();
        documents.forEach(d -> ids.add(d.get("_id")));
        return ids;
    }

    private static List<ChangeEvent> of(List<ChangeEvent> events, String collection) {
        return events.stream().filter(e -> e.table().name().equals(collection)).toList();
    }

    /** READ events per table and {@code _id}. */
    private static Map<String, Long> readsPerKey(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.op() == Op.READ)
                .collect(Collectors.groupingBy(e -> e.table() + " " + e.after().get(0), Collectors.counting()));
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

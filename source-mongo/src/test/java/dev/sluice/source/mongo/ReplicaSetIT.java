package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What mongo-java-server cannot show, against a real replica set (MongoDB 6.0+ for pre-images): set
 * {@code SLUICE_MONGO_URI} (e.g. {@code mongodb://127.0.0.1:27017/?replicaSet=rs0}) to run it; skipped otherwise.
 * Each test uses a database of its own, dropped afterwards.
 */
@Timeout(120)
class ReplicaSetIT {

    private static final String URI = System.getenv("SLUICE_MONGO_URI");

    private MongoClient client;
    private MongoDatabase db;
    private Pipeline pipeline;

    @BeforeEach
    void connect() {
        assumeTrue(URI != null && !URI.isBlank(), "SLUICE_MONGO_URI is not set: no real MongoDB replica set to test"
                + " update descriptions, pre-images, database streams, drop/invalidate, the copy's resume filters against");
        client = MongoClients.create(URI);
        db = client.getDatabase("sluice_t_rs_" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void cleanUp() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (client != null) {
            db.drop();
            client.close();
        }
    }

    @Test
    void updatesCarryTheirDescriptionAndPreImages() throws Exception {
        db.createCollection("orders");
        db.runCommand(new Document("collMod", "orders")
                .append("changeStreamPreAndPostImages", new Document("enabled", true)));
        MemorySink sink = new MemorySink();
        pipeline = start(MongoSource.builder().connectionString(URI).database(db.getName())
                .fullDocumentBeforeChange(FullDocumentBeforeChange.REQUIRED).build(), sink);

        db.getCollection("orders").insertOne(new Document("_id", 1).append("qty", 1).append("coupon", "X"));
        db.getCollection("orders").updateOne(Filters.eq("_id", 1),
                Updates.combine(Updates.set("qty", 2), Updates.unset("coupon")));
        db.getCollection("orders").deleteOne(Filters.eq("_id", 1));
        awaitDurable(sink, 3);

        List<ChangeEvent> events = sink.durable();
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.INSERT, Op.UPDATE, Op.DELETE);
        assertThat(events.get(1).after().get(2))
                .isEqualTo("{\"updatedFields\": {\"qty\": 2}, \"removedFields\": [\"coupon\"], \"truncatedArrays\": []}");
        assertThat(events.get(1).before().get(1)).isEqualTo("{\"_id\": 1, \"qty\": 1, \"coupon\": \"X\"}");
        assertThat(events.get(2).before().get(1)).isEqualTo("{\"_id\": 1, \"qty\": 2}");
        assertThat(events).extracting(ChangeEvent::table).extracting(t -> t.name()).containsOnly("orders");
    }

    @Test
    void droppingTheWatchedCollectionTruncatesAndFinishesThePipeline() throws Exception {
        db.getCollection("orders").insertOne(new Document("_id", 0));
        MemorySink sink = new MemorySink();
        pipeline = start(MongoSource.builder().connectionString(URI).database(db.getName()).collection("orders")
                .build(), sink);
        db.getCollection("orders").insertOne(new Document("_id", 1));
        db.getCollection("orders").drop();

        assertThat(pipeline.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.COMPLETED);
        assertThat(sink.durable()).extracting(ChangeEvent::op).containsExactly(Op.INSERT, Op.TRUNCATE);
    }

    @Test
    void aDatabaseStreamSeesEveryCollectionAndAnIdleStreamAdvances() throws Exception {
        MemorySink sink = new MemorySink();
        pipeline = start(MongoSource.builder().connectionString(URI).database(db.getName()).exclude("*.skip")
                .build(), sink);
        db.getCollection("a").insertOne(new Document("_id", 1));
        db.getCollection("skip").insertOne(new Document("_id", 2));
        db.getCollection("b").insertOne(new Document("_id", 3));
        awaitDurable(sink, 2);

        assertThat(sink.durable()).extracting(e -> e.table().name()).containsExactly("a", "b");
        String committed = pipeline.status().lastCommittedOffset().encode();
        awaitCondition(() -> !pipeline.status().lastCommittedOffset().encode().equals(committed),
                "the idle stream's post-batch resume token to move the committed offset on");
    }

    @Test
    void idsOfEveryTypeSortAsBsonOrderSaysAndEachResumeFilterTakesExactlyTheRest() {
        List<BsonValue> ids = new ArrayList<>(MixedIds.inMongoDbOrder());
        // what mongo-java-server cannot hold or orders otherwise
        ids.addAll(List.of(new BsonDouble(Double.NaN), new BsonDouble(Double.NEGATIVE_INFINITY),
                new BsonInt64(3), new BsonDouble(3.5), new BsonSymbol("a0"), new BsonString("\uff5e"),
                new BsonString("\ud83c\udf50"), new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16]),
                new BsonBinary(new byte[16]), new BsonJavaScript("f()")));
        MongoCollection<BsonDocument> mixed = db.getCollection("mixed", BsonDocument.class);
        ids.forEach(id -> mixed.insertOne(new BsonDocument("_id", id)));
        List<BsonValue> expected = new ArrayList<>(ids);
        expected.sort(BsonOrder.ORDER);
        BsonDocument byId = new BsonDocument("_id", new BsonInt32(1));

        assertThat(mixed.find().sort(byId).map(d -> d.get("_id")).into(new ArrayList<>())).isEqualTo(expected);
        for (int i = 0; i < expected.size(); i++) {
            BsonDocument filter = IdOrder.after(expected.get(i));
            assertThat(mixed.find(filter).sort(byId).hint(byId).map(d -> d.get("_id")).into(new ArrayList<>()))
                    .as("after %s: %s", expected.get(i), filter).isEqualTo(expected.subList(i + 1, expected.size()));
        }
    }

    private static Pipeline start(MongoSource source, MemorySink sink) throws InterruptedException {
        Pipeline pipeline = Pipeline.builder().name("rs").source(source).sink(sink)
                .offsetStore(new InMemoryOffsetStore()).commitInterval(Duration.ofMillis(200)).maxRetries(2).build();
        pipeline.start();
        awaitCondition(() -> pipeline.status().lastCommittedOffset() != null
                || pipeline.status().state().isTerminal(), "the stream to open");
        assertThat(pipeline.status().failure()).isNull();
        return pipeline;
    }

    private static void awaitDurable(MemorySink sink, int events) throws InterruptedException {
        awaitCondition(() -> sink.durable().size() >= events, events + " durable events");
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}

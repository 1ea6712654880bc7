package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.sluice.CatchUpReport;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.PipelineState;
import dev.sluice.TableId;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.MongoEndpoint;
import dev.sluice.testkit.MongoExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The source against mongo-java-server, through a real pipeline. The fake's update events name the document only
 * through the looked-up full document, so each test lets the pipeline read an update before the document is
 * deleted (see docs/source-mongo.md).
 */
@ExtendWith(MongoExtension.class)
@Timeout(120)
class MongoSourceIT {

    private final MongoEndpoint mongo;
    private MongoClient client;
    private MongoCollection<Document> orders;
    private final List<Pipeline> pipelines = new ArrayList<>();

    MongoSourceIT(MongoEndpoint mongo) {
        this.mongo = mongo;
    }

    @BeforeEach
    void connect() {
        client = MongoClients.create(mongo.connectionString());
        orders = client.getDatabase(mongo.database()).getCollection("orders");
    }

    @AfterEach
    void closeAll() {
        pipelines.forEach(Pipeline::close);
        client.close();
    }

    @Test
    void capturesInsertUpdateReplaceAndDeleteWithTheirDocuments() throws Exception {
        MemorySink sink = new MemorySink();
        start(source().build(), sink, new InMemoryOffsetStore(), "crud");

        orders.insertOne(new Document("_id", "a").append("qty", 1).append("note", "größe ✓"));
        awaitDurable(sink, 1);
        orders.updateOne(Filters.eq("_id", "a"), Updates.set("qty", 2));
        awaitDurable(sink, 2);
        orders.replaceOne(Filters.eq("_id", "a"), new Document("item", "pear"));
        awaitDurable(sink, 3);
        orders.deleteOne(Filters.eq("_id", "a"));
        awaitDurable(sink, 4);

        List<ChangeEvent> events = sink.durable();
        TableId table = TableId.of(mongo.database(), "orders");
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.INSERT, Op.UPDATE, Op.UPDATE, Op.DELETE);
        assertThat(events).extracting(ChangeEvent::table).containsOnly(table);
        assertThat(events.get(0).after().values())
                .containsExactly("\"a\"", "{\"_id\": \"a\", \"qty\": 1, \"note\": \"größe ✓\"}", null);
        assertThat(events.get(1).after().values())
                .containsExactly("\"a\"", "{\"_id\": \"a\", \"qty\": 2, \"note\": \"größe ✓\"}", null);
        assertThat(events.get(2).after().values()).containsExactly("\"a\"", "{\"_id\": \"a\", \"item\": \"pear\"}", null);
        assertThat(events.get(3).before().values()).containsExactly("\"a\"", null, null);
        assertThat(events).extracting(e -> e.offset().encode()).allMatch(o -> o.startsWith("mongo:token:"));
    }

    @Test
    void resumesAfterRestartFromStoredTokenWithoutLossOrRepetition() throws Exception {
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        MemorySink first = new MemorySink();
        Pipeline pipeline = start(source().build(), first, store, "restart");
        for (int i = 1; i <= 5; i++) {
            orders.insertOne(new Document("_id", i));
        }
        awaitDurable(first, 5);
        pipeline.close();
        assertThat(store.load("restart")).hasValueSatisfying(o -> assertThat(o).startsWith("mongo:token:"));

        for (int i = 6; i <= 8; i++) {
            orders.insertOne(new Document("_id", i)); // while nothing reads
        }
        MemorySink second = new MemorySink();
        start(source().build(), second, store, "restart");
        orders.insertOne(new Document("_id", 9));
        awaitDurable(second, 4);

        assertThat(ids(first)).containsExactly("{\"$numberInt\": \"1\"}", "{\"$numberInt\": \"2\"}",
                "{\"$numberInt\": \"3\"}", "{\"$numberInt\": \"4\"}", "{\"$numberInt\": \"5\"}");
        assertThat(ids(second)).containsExactly("{\"$numberInt\": \"6\"}", "{\"$numberInt\": \"7\"}",
                "{\"$numberInt\": \"8\"}", "{\"$numberInt\": \"9\"}");
    }

    @Test
    void copyExistingFromAConnectionStringThatReadsFromSecondariesStillCopiesFromThePrimary() throws Exception {
        for (int i = 0; i < 50; i++) {
            orders.insertOne(new Document("_id", i).append("v", 0));
        }
        String secondaries = mongo.connectionString() + (mongo.connectionString().contains("?") ? "&" : "/?")
                + "readPreference=secondaryPreferred&readConcernLevel=local";
        MemorySink sink = new MemorySink();
        start(MongoSource.builder().connectionString(secondaries).database(mongo.database()).collection("orders")
                .maxAwaitTime(Duration.ofMillis(100)).startupMode(StartupMode.COPY_EXISTING).build(), sink,
                new InMemoryOffsetStore(), "copy-secondary");
        orders.insertOne(new Document("_id", 1000).append("v", 1));

        Map<String, String> expected = new TreeMap<>();
        for (BsonDocument document : orders.withDocumentClass(BsonDocument.class).find()) {
            expected.put(BsonText.key(document.get("_id")), BsonText.json(document));
        }
        awaitCondition(() -> Rebuilt.apply(sink.durable()).equals(expected), "the rebuilt state equals the collection");
        assertThat(sink.durable().stream().filter(e -> e.op() == Op.READ)).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void pollsOfLargeDocumentsAreBoundedInBytesInTheCopyAndInTheStream() throws Exception {
        String megabyte = "x".repeat(1 << 20); // about 2 MiB of estimated size as the event's JSON
        for (int i = 0; i < 10; i++) {
            orders.insertOne(new Document("_id", i).append("big", megabyte));
        }
        MongoSource source = source().startupMode(StartupMode.COPY_EXISTING).maxPollBytes(3L << 20).build();
        List<Integer> pollSizes = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        try (ChangeStream stream = source.open(null, PipelineContext.of("bytes", Clock.systemUTC()))) {
            boolean inserted = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (keys.size() < 20 && System.nanoTime() < deadline) {
                List<ChangeEvent> events = stream.poll(Duration.ofMillis(500));
                if (!events.isEmpty()) {
                    pollSizes.add(events.size());
                }
                events.forEach(event -> keys.add(event.after().get(0)));
                if (keys.size() >= 10 && !inserted) {
                    for (int i = 10; i < 20; i++) {
                        orders.insertOne(new Document("_id", i).append("big", megabyte));
                    }
                    inserted = true;
                }
            }
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("{\"$numberInt\": \"" + i + "\"}");
        }
        assertThat(keys).extracting(String::valueOf).isEqualTo(expected);
        assertThat(pollSizes).allMatch(size -> size <= 2);
    }

    @Test
    void copyExistingWithWritesDuringTheCopyRebuildsTheCollection() throws Exception {
        List<Document> existing = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            existing.add(new Document("_id", i).append("v", 0));
        }
        orders.insertMany(existing);
        MemorySink sink = new MemorySink();
        Pipeline pipeline = start(source().startupMode(StartupMode.COPY_EXISTING).batchSize(100).build(), sink,
                new InMemoryOffsetStore(), "copy");

        // during the copy: new documents, updates of even ids, deletes of ids ending in 5 (never an updated one)
        for (int i = 0; i < 300; i++) {
            orders.insertOne(new Document("_id", 10_000 + i).append("v", 1));
            orders.updateOne(Filters.eq("_id", i * 10), Updates.set("v", 2));
            orders.deleteOne(Filters.eq("_id", i * 10 + 5));
        }
        Map<String, String> expected = new TreeMap<>();
        for (BsonDocument document : orders.withDocumentClass(BsonDocument.class).find()) {
            expected.put(BsonText.key(document.get("_id")), BsonText.json(document));
        }
        assertThat(expected).hasSize(3000);

        awaitCondition(() -> Rebuilt.apply(sink.durable()).equals(expected), "the rebuilt state equals the collection");
        List<ChangeEvent> events = sink.durable();
        assertThat(events.stream().filter(e -> e.op() == Op.READ)).hasSizeGreaterThanOrEqualTo(2700);
        int firstStreamed = 0;
        while (events.get(firstStreamed).op() == Op.READ) {
            firstStreamed++;
        }
        assertThat(events.subList(firstStreamed, events.size())).noneMatch(e -> e.op() == Op.READ)
                .extracting(ChangeEvent::op).contains(Op.INSERT, Op.UPDATE, Op.DELETE);
        assertThat(pipeline.status().lastCommittedOffset().encode()).startsWith("mongo:token:");
    }

    @Test
    void promotedFieldsAreTypedAndAWrongTypeIsNull() throws Exception {
        MemorySink sink = new MemorySink();
        MongoSource source = source()
                .promote("created", dev.sluice.Type.TIMESTAMP_TZ)
                .promote("total", dev.sluice.Type.decimal(10, 2))
                .promote("qty", dev.sluice.Type.INT32)
                .promote("views", dev.sluice.Type.INT64)
                .promote("ratio", dev.sluice.Type.FLOAT64)
                .promote("paid", dev.sluice.Type.BOOLEAN)
                .promote("status", dev.sluice.Type.STRING)
                .build();
        start(source, sink, new InMemoryOffsetStore(), "promote");

        orders.insertOne(Document.parse("{_id: {$oid: '65a1b2c3d4e5f60718293a4b'},"
                + " created: {$date: '2024-02-29T23:59:58.123Z'}, total: {$numberDecimal: '1234.5'},"
                + " qty: 7, views: {$numberLong: '9007199254740993'}, ratio: 0.25, paid: true, status: 'shipped'}"));
        orders.insertOne(Document.parse("{_id: 2, created: '2024-02-29', total: 'lots', qty: 1.5,"
                + " views: true, ratio: 'x', paid: 1, status: 5}"));
        awaitDurable(sink, 2);

        List<ChangeEvent> events = sink.durable();
        assertThat(events.get(0).after().values()).containsExactly(
                "{\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}",
                "{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"created\": {\"$date\":"
                        + " \"2024-02-29T23:59:58.123Z\"}, \"total\": {\"$numberDecimal\": \"1234.5\"}, \"qty\": 7,"
                        + " \"views\": 9007199254740993, \"ratio\": 0.25, \"paid\": true, \"status\": \"shipped\"}",
                null,
                java.time.Instant.parse("2024-02-29T23:59:58.123Z"), new java.math.BigDecimal("1234.50"), 7,
                9007199254740993L, 0.25, true, "shipped");
        assertThat(events.get(1).after().values().subList(3, 10)).containsOnlyNulls();
        assertThat((String) events.get(1).after().get(1)).contains("\"total\": \"lots\"", "\"qty\": 1.5");
    }

    @Test
    void runUntilCaughtUpCapturesWhatWasThereAndStops() throws Exception {
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        MemorySink sink = new MemorySink();
        MongoSource source = source().startupMode(StartupMode.COPY_EXISTING).build();
        orders.insertOne(new Document("_id", 1));
        CatchUpReport first = pipeline(source, sink, store, "catchup").runUntilCaughtUp();
        assertThat(first.caughtUp()).isTrue();
        assertThat(ids(sink)).containsExactly("{\"$numberInt\": \"1\"}");

        orders.insertOne(new Document("_id", 2));
        orders.insertOne(new Document("_id", 3));
        CatchUpReport second = pipeline(source, sink, store, "catchup").runUntilCaughtUp();
        assertThat(second.caughtUp()).isTrue();
        assertThat(second.events()).isEqualTo(2);
        assertThat(ids(sink)).containsExactly("{\"$numberInt\": \"1\"}", "{\"$numberInt\": \"2\"}",
                "{\"$numberInt\": \"3\"}");
    }

    @Test
    void otherCollectionsOfTheDatabaseAreNotCaptured() throws Exception {
        MemorySink sink = new MemorySink();
        start(source().build(), sink, new InMemoryOffsetStore(), "scoped");
        client.getDatabase(mongo.database()).getCollection("invoices").insertOne(new Document("_id", "x"));
        orders.insertOne(new Document("_id", "y"));
        awaitDurable(sink, 1);
        assertThat(sink.durable()).extracting(e -> e.table().name()).containsExactly("orders");
    }

    private MongoSource.Builder source() {
        return MongoSource.builder().connectionString(mongo.connectionString())
                .database(mongo.database()).collection("orders").maxAwaitTime(Duration.ofMillis(100));
    }

    private Pipeline pipeline(MongoSource source, MemorySink sink, InMemoryOffsetStore store, String name) {
        Pipeline pipeline = Pipeline.builder().name(name).source(source).sink(sink).offsetStore(store)
                .commitInterval(Duration.ofMillis(200)).maxRetries(3).build();
        pipelines.add(pipeline);
        return pipeline;
    }

    private Pipeline start(MongoSource source, MemorySink sink, InMemoryOffsetStore store, String name)
            throws InterruptedException {
        Pipeline pipeline = pipeline(source, sink, store, name);
        pipeline.start();
        // the stream starts at the cluster time of its opening: wait until it is open before writing
        awaitCondition(() -> pipeline.status().lastCommittedOffset() != null
                || pipeline.status().state() == PipelineState.FAILED, "the pipeline has opened its stream");
        assertThat(pipeline.status().failure()).isNull();
        return pipeline;
    }

    private static List<String> ids(MemorySink sink) {
        return sink.durable().stream().map(e -> (String) e.row().get(0)).toList();
    }

    private static void awaitDurable(MemorySink sink, int events) throws InterruptedException {
        awaitCondition(() -> sink.durable().size() >= events, events + " durable events");
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

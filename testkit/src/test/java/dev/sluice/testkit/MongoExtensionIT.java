package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MongoExtension.class)
class MongoExtensionIT {

    private static final Set<String> testDatabases = ConcurrentHashMap.newKeySet();

    @Test
    void insertsAndFinds(MongoEndpoint mongo) {
        testDatabases.add(mongo.database());
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> orders = client.getDatabase(mongo.database()).getCollection("orders");
            orders.insertOne(new Document("_id", 1).append("item", "apple"));
            orders.insertOne(new Document("_id", 2).append("item", "pear"));

            assertThat(orders.find(Filters.eq("item", "pear")).first()).isEqualTo(
                    new Document("_id", 2).append("item", "pear"));
            assertThat(orders.countDocuments()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(30)
    void collectionChangeStreamSeesAnInsert(MongoEndpoint mongo) {
        testDatabases.add(mongo.database());
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> orders = client.getDatabase(mongo.database()).getCollection("orders");
            orders.insertOne(new Document("_id", 0).append("item", "before the stream"));
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
                    orders.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
                orders.insertOne(new Document("_id", 1).append("item", "apple"));

                ChangeStreamDocument<Document> event = stream.next();
                assertThat(event.getOperationType()).isEqualTo(OperationType.INSERT);
                assertThat(event.getFullDocument()).isEqualTo(new Document("_id", 1).append("item", "apple"));
                assertThat(event.getResumeToken()).isNotNull();
            }
        }
    }

    @AfterAll
    static void everyTestHadItsOwnDatabaseAndNoneIsLeft(MongoEndpoint mongo) {
        assertThat(testDatabases).hasSize(2).doesNotContain(mongo.database());
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            client.getDatabase(mongo.database()).getCollection("marker").insertOne(new Document("_id", 1));
            List<String> existing = client.listDatabaseNames().into(new ArrayList<>());
            assertThat(existing).contains(mongo.database()).doesNotContainAnyElementsOf(testDatabases);
        }
    }
}

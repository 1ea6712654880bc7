package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

/**
 * The seam between COPY_EXISTING and the stream, in what can be checked without a replica set: the copy's read
 * preference and concern, and the stream's start from the primary's majority commit point. (The in-process server
 * has no secondaries and rolls nothing back; see docs/source-mongo.md.)
 */
class CopySeamTest {

    @Test
    void theCopyReadsMajorityCommittedDataFromThePrimaryWhateverTheConnectionStringSays() {
        try (MongoClient client = MongoClients.create(
                "mongodb://127.0.0.1:1/?readPreference=secondaryPreferred&readConcernLevel=local")) {
            MongoCollection<BsonDocument> orders = client.getDatabase("shop").getCollection("orders",
                    BsonDocument.class);
            assertThat(orders.getReadPreference()).isEqualTo(ReadPreference.secondaryPreferred());

            MongoCollection<BsonDocument> copied = Copier.forCopy(orders);

            assertThat(copied.getReadPreference()).isEqualTo(ReadPreference.primary());
            assertThat(copied.getReadConcern()).isEqualTo(ReadConcern.MAJORITY);
            assertThat(copied.getNamespace()).isEqualTo(orders.getNamespace());
        }
    }

    @Test
    void theStreamOfACopyStartsAtTheMajorityCommitPointNotAtTheNewestWrite() {
        BsonDocument hello = BsonDocument.parse("{isWritablePrimary: true, lastWrite: {"
                + "opTime: {ts: {$timestamp: {t: 1700000100, i: 7}}, t: 3},"
                + "majorityOpTime: {ts: {$timestamp: {t: 1700000090, i: 2}}, t: 3}}}");

        assertThat(ServerClock.majorityOpTime(hello)).isEqualTo(new BsonTimestamp(1700000090, 2));
        assertThat(ServerClock.majorityOpTime(BsonDocument.parse("{ismaster: true}"))).isNull();
    }
}

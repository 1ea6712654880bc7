package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.MongoEndpoint;
import dev.sluice.testkit.MongoExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restart whose selection adds collections that already hold documents (issue 21): the change stream would bring
 * only their later changes, so the start stops naming them and the fix, instead of skipping their documents
 * silently. Against mongo-java-server.
 */
@ExtendWith(MongoExtension.class)
@Timeout(120)
class WidenedScopeIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("jn-widened", Clock.systemUTC());

    private final MongoEndpoint mongo;
    private MongoClient client;

    WidenedScopeIT(MongoEndpoint mongo) {
        this.mongo = mongo;
    }

    @BeforeEach
    void connect() {
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterEach
    void close() {
        client.close();
    }

    private MongoSource source(StartupMode mode, String... collections) {
        String[] patterns = new String[collections.length];
        for (int i = 0; i < collections.length; i++) {
            patterns[i] = mongo.database() + "." + collections[i];
        }
        return MongoSource.builder().connectionString(mongo.connectionString()).database(mongo.database())
                .include(patterns).startupMode(mode).batchSize(1).maxAwaitTime(Duration.ofMillis(50)).build();
    }

    private void insert(String collection, int... ids) {
        for (int id : ids) {
            client.getDatabase(mongo.database()).getCollection(collection, BsonDocument.class)
                    .insertOne(new BsonDocument("_id", new BsonInt32(id)));
        }
    }

    /** The offset a stream of {@code source} started from scratch has after its first poll, as stored. */
    private static String firstOffset(MongoSource source) throws InterruptedException {
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            stream.poll(Duration.ofMillis(100));
            return stream.position().encode();
        }
    }

    @Test
    void aCollectionWithDocumentsThatStartsMatchingAtARestartStopsTheStartNamingItAndTheFix() throws Exception {
        insert("a", 1);
        insert("b", 1, 2);
        String offset = firstOffset(source(StartupMode.LATEST, "a"));
        assertThat(offset).startsWith("mongo:time:").contains(";scope=");

        MongoSource wider = source(StartupMode.LATEST, "a", "b");
        assertThatThrownBy(() -> wider.open(wider.decodeOffset(offset), CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("[" + mongo.database() + ".b]")
                .hasMessageContaining("delete its stored offset and start it with StartupMode.COPY_EXISTING");
        // the same selection, written another way, is no change
        MongoSource same = source(StartupMode.LATEST, "a", "a");
        same.open(same.decodeOffset(offset), CONTEXT).close();
    }

    @Test
    void anAddedCollectionThatIsEmptyPassesAndTheOffsetsRecordTheWiderSelectionFromThen() throws Exception {
        // (the fake delivers no events to a database-wide stream, so only the start and its offsets are checked:
        // every document an empty collection gets later is an insert after the offset, in the stream)
        insert("a", 1);
        client.getDatabase(mongo.database()).createCollection("c");
        String offset = firstOffset(source(StartupMode.LATEST, "a"));

        MongoSource wider = source(StartupMode.LATEST, "a", "c");
        String next;
        try (ChangeStream stream = wider.open(wider.decodeOffset(offset), CONTEXT)) {
            next = stream.position().encode();
        }
        assertThat(next).isNotEqualTo(offset).endsWith(";scope=" + wider.scope().stamp());
        insert("c", 7);
        insert("b", 1);
        wider.open(wider.decodeOffset(next), CONTEXT).close(); // the same selection: nothing to check
        MongoSource widest = source(StartupMode.LATEST, "a", "b", "c");
        assertThatThrownBy(() -> widest.open(widest.decodeOffset(next), CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("[" + mongo.database() + ".b]");
    }

    @Test
    void anOffsetWrittenBeforeTheScopeWasRecordedIsNotChecked() throws Exception {
        insert("a", 1);
        insert("b", 1);
        String offset = firstOffset(source(StartupMode.LATEST, "a"));
        String older = offset.substring(0, offset.indexOf(";scope="));

        MongoSource wider = source(StartupMode.LATEST, "a", "b");
        try (ChangeStream stream = wider.open(wider.decodeOffset(older), CONTEXT)) {
            assertThat(stream.position().encode()).endsWith(";scope=" + wider.scope().stamp());
        }
    }

    @Test
    void aCopyInterruptedAndResumedWithAWiderSelectionCopiesWhatSortsAfterAndStopsForWhatSortsBefore()
            throws Exception {
        insert("a", 1);
        insert("b", 1, 2);
        insert("c", 1, 2);
        insert("d", 1);
        String offset;
        try (ChangeStream stream = source(StartupMode.COPY_EXISTING, "b", "c").open(null, CONTEXT)) {
            List<ChangeEvent> events = new ArrayList<>();
            while (events.size() < 3) {
                events.addAll(stream.poll(Duration.ofMillis(100)));
            }
            offset = events.get(2).offset().encode(); // the first document of c
        }
        assertThat(offset).startsWith("mongo:copy:").contains(mongo.database() + ".c$");

        // d sorts after c: the resumed copy reads it
        MongoSource withD = source(StartupMode.COPY_EXISTING, "b", "c", "d");
        List<ChangeEvent> rest = new ArrayList<>();
        try (ChangeStream stream = withD.open(withD.decodeOffset(offset), CONTEXT)) {
            while (rest.size() < 2) {
                rest.addAll(stream.poll(Duration.ofMillis(100)));
            }
        }
        assertThat(rest).extracting(e -> e.table().name() + " " + e.after().get(0))
                .containsExactly("c {\"$numberInt\": \"2\"}", "d {\"$numberInt\": \"1\"}");

        // a sorts before c: the resumed copy would pass over it
        MongoSource withA = source(StartupMode.COPY_EXISTING, "a", "b", "c");
        assertThatThrownBy(() -> withA.open(withA.decodeOffset(offset), CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("[" + mongo.database() + ".a]");
    }
}

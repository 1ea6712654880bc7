package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

/** The mapping of every documented change event type, from hand-written fixtures of MongoDB's format. */
class EventMapperTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    /** Zoë and a pear: the writer escapes characters beyond the BMP as a JSON surrogate pair. */
    private static final String CUSTOMER = "Zoë \\ud83c\\udf50";
    private static final String OID = "{\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}";

    private final MongoSchema schema = new MongoSchema(List.of(new Promotion("total", Type.decimal(10, 2)),
            new Promotion("created", Type.TIMESTAMP_TZ), new Promotion("qty", Type.INT32)));
    private final EventMapper database = new EventMapper(new Scope("shop", null, TableFilter.all()), schema);

    @Test
    void insertCarriesTheDocumentAsRelaxedJsonAndTheKeyAsCanonicalJson() {
        EventMapper.Mapped mapped = database.map(Fixtures.event("insert"));

        ChangeEvent event = mapped.event();
        assertThat(event.op()).isEqualTo(Op.INSERT);
        assertThat(event.table()).isEqualTo(ORDERS);
        assertThat(event.after().values()).containsExactly(OID,
                "{\"_id\": " + OID + ", \"customer\": \"" + CUSTOMER + "\", \"total\": {\"$numberDecimal\": \"19.90\"},"
                        + " \"created\": {\"$date\": \"2024-01-12T22:52:51.12Z\"}, \"qty\": 3, \"views\": 12}",
                null, new BigDecimal("19.90"), Instant.parse("2024-01-12T22:52:51.120Z"), 3);
        assertThat(event.commitTime()).isEqualTo(Instant.parse("2024-01-12T22:52:51.123Z"));
        assertThat(event.transactionId()).isNull();
        assertThat(BsonDocument.parse((String) event.after().get(1)).getString("customer").getValue())
                .isEqualTo("Zoë 🍐");
        assertThat(event.offset()).isEqualTo(MongoOffset.token(new BsonTimestamp(1705099971, 1),
                Fixtures.raw("insert").getDocument("_id")).scoped(new Scope("shop", null, TableFilter.all()).stamp()));
        assertThat(mapped.invalidated()).isFalse();
    }

    @Test
    void updateCarriesPostImageUpdateDescriptionPreImageAndTransaction() {
        ChangeEvent event = database.map(Fixtures.event("update")).event();

        assertThat(event.op()).isEqualTo(Op.UPDATE);
        assertThat(event.after().values()).containsExactly(OID,
                "{\"_id\": " + OID + ", \"customer\": \"" + CUSTOMER + "\", \"total\": {\"$numberDecimal\": \"24.90\"}}",
                "{\"updatedFields\": {\"total\": {\"$numberDecimal\": \"24.90\"}, \"items.2.qty\": 3},"
                        + " \"removedFields\": [\"coupon\"], \"truncatedArrays\": [{\"field\": \"history\","
                        + " \"newSize\": 5}]}",
                new BigDecimal("24.90"), null, null);
        assertThat(event.before().values()).containsExactly(OID,
                "{\"_id\": " + OID + ", \"customer\": \"" + CUSTOMER + "\", \"total\": {\"$numberDecimal\": \"19.90\"},"
                        + " \"coupon\": \"WINTER\"}",
                null, new BigDecimal("19.90"), null, null);
        assertThat(event.hasUnchanged()).isFalse();
        assertThat(event.transactionId()).isEqualTo("1237bf64-cdab-4dee-99de-aabbccddeeff:7");
    }

    @Test
    void updateWhoseDocumentIsGoneLeavesTheDocumentUnchangedNotNull() {
        ChangeEvent event = database.map(Fixtures.event("update-document-gone")).event();

        assertThat(event.op()).isEqualTo(Op.UPDATE);
        assertThat(event.after().get(0)).isEqualTo("\"order-7\"");
        assertThat(event.unchangedColumns()).containsExactly(1, 3, 4, 5);
        assertThat(event.after().get(2)).isEqualTo(
                "{\"updatedFields\": {\"status\": \"paid\"}, \"removedFields\": [], \"truncatedArrays\": []}");
        assertThat(event.commitTime()).isEqualTo(Instant.ofEpochSecond(1705099985));
    }

    @Test
    void replaceIsAnUpdateWithTheNewDocumentAndNoDescription() {
        ChangeEvent event = database.map(Fixtures.event("replace")).event();

        assertThat(event.op()).isEqualTo(Op.UPDATE);
        assertThat(event.before()).isNull();
        assertThat(event.after().values()).containsExactly("{\"$numberLong\": \"7\"}",
                "{\"_id\": 7, \"item\": \"pear\", \"total\": {\"$numberDecimal\": \"2.5\"}}", null,
                new BigDecimal("2.50"), null, null);
    }

    @Test
    void deleteCarriesTheKeyAndThePreImageWhenThereIsOne() {
        ChangeEvent keyOnly = database.map(Fixtures.event("delete")).event();
        ChangeEvent withImage = database.map(Fixtures.event("delete-with-pre-image")).event();

        assertThat(keyOnly.op()).isEqualTo(Op.DELETE);
        assertThat(keyOnly.after()).isNull();
        assertThat(keyOnly.before().values()).containsExactly("{\"$numberLong\": \"7\"}", null, null, null, null, null);
        assertThat(withImage.before().values()).containsExactly("{\"$numberLong\": \"7\"}",
                "{\"_id\": 7, \"item\": \"pear\", \"total\": {\"$numberDecimal\": \"2.5\"}}", null,
                new BigDecimal("2.50"), null, null);
    }

    @Test
    void dropEmptiesTheTable() {
        ChangeEvent event = database.map(Fixtures.event("drop")).event();

        assertThat(event.op()).isEqualTo(Op.TRUNCATE);
        assertThat(event.table()).isEqualTo(ORDERS);
        assertThat(event.before()).isNull();
        assertThat(event.after()).isNull();
    }

    @Test
    void renameToAnUncapturedCollectionEmptiesTheTable() {
        EventMapper onlyOrders = new EventMapper(new Scope("shop", null, TableFilter.include("shop.orders")), schema);

        ChangeEvent event = onlyOrders.map(Fixtures.event("rename")).event();

        assertThat(event.op()).isEqualTo(Op.TRUNCATE);
        assertThat(event.table()).isEqualTo(ORDERS);
    }

    @Test
    void renameIntoACapturedCollectionIsFatalAndNamesTheRecopy() {
        assertThatThrownBy(() -> database.map(Fixtures.event("rename")))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("shop.orders was renamed to shop.orders_2023")
                .hasMessageContaining("COPY_EXISTING");
    }

    @Test
    void renameFromAnUncapturedCollectionIntoACapturedOneIsFatal() {
        EventMapper onlyArchive = new EventMapper(new Scope("shop", null, TableFilter.include("shop.orders_*")),
                schema);

        assertThatThrownBy(() -> onlyArchive.map(Fixtures.event("rename"))).isInstanceOf(FatalException.class);
    }

    @Test
    void dropDatabaseAndIndexChangesOnlyMoveThePositionOn() {
        for (String name : List.of("drop-database", "create-indexes")) {
            EventMapper.Mapped mapped = database.map(Fixtures.event(name));
            assertThat(mapped.event()).as(name).isNull();
            assertThat(mapped.invalidated()).as(name).isFalse();
            assertThat(mapped.position().token()).isEqualTo(Fixtures.raw(name).getDocument("_id"));
        }
    }

    @Test
    void invalidateEndsTheStreamAtItsToken() {
        EventMapper.Mapped mapped = database.map(Fixtures.event("invalidate"));

        assertThat(mapped.event()).isNull();
        assertThat(mapped.invalidated()).isTrue();
        assertThat(mapped.position().encode()).startsWith("mongo:token:1705100032.1;scope=shop//*:{\"_data\": "
                + "\"8265A1C300");
    }

    @Test
    void anUnknownEventTypeIsFatalNotSkipped() {
        assertThatThrownBy(() -> database.map(Fixtures.event("unknown-type")))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("reshapeEverything")
                .hasMessageContaining("Upgrade Sluice");
    }

    @Test
    void changesOfCollectionsNotCapturedAreSkippedButMoveThePosition() {
        EventMapper others = new EventMapper(new Scope("shop", null, TableFilter.all().exclude("shop.ord*")), schema);

        EventMapper.Mapped mapped = others.map(Fixtures.event("insert"));

        assertThat(mapped.event()).isNull();
        assertThat(mapped.position().time()).isEqualTo(new BsonTimestamp(1705099971, 1));
    }

    @Test
    void anEventWithoutNamespaceBelongsToTheWatchedCollection() {
        BsonDocument raw = Fixtures.raw("insert");
        raw.remove("ns");
        EventMapper collection = new EventMapper(new Scope("shop", "orders", TableFilter.all()), schema);

        assertThat(collection.map(Fixtures.decode(raw)).event().table()).isEqualTo(ORDERS);
        assertThatThrownBy(() -> database.map(Fixtures.decode(raw)))
                .isInstanceOf(FatalException.class).hasMessageContaining("names no collection");
    }

    @Test
    void anUpdateWithoutDocumentKeyIdTakesTheIdFromTheFullDocument() {
        // mongo-java-server's shape: the update operators where documentKey should be
        BsonDocument raw = Fixtures.raw("update");
        raw.put("documentKey", BsonDocument.parse("{\"$set\": {\"total\": 1}}"));
        ChangeStreamDocument<BsonDocument> event = Fixtures.decode(raw);

        assertThat(database.map(event).event().after().get(0)).isEqualTo(OID);

        raw.remove("fullDocument");
        raw.remove("fullDocumentBeforeChange");
        assertThatThrownBy(() -> database.map(Fixtures.decode(raw)))
                .isInstanceOf(FatalException.class).hasMessageContaining("carries no _id");
    }

    @Test
    void keysOfDifferentTypesStayApart() {
        assertThat(BsonText.key(new BsonString("1"))).isEqualTo("\"1\"");
        assertThat(BsonText.key(new org.bson.BsonInt32(1))).isEqualTo("{\"$numberInt\": \"1\"}");
        assertThat(BsonText.key(new org.bson.BsonInt64(1))).isEqualTo("{\"$numberLong\": \"1\"}");
        assertThat(BsonText.key(new org.bson.BsonDouble(1))).isEqualTo("{\"$numberDouble\": \"1.0\"}");
        assertThat(BsonText.key(BsonDocument.parse("{\"a\": 1, \"b\": \"x\"}")))
                .isEqualTo("{\"a\": {\"$numberInt\": \"1\"}, \"b\": \"x\"}");
    }
}

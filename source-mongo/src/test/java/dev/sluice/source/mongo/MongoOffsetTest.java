package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.testkit.SeqOffset;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

class MongoOffsetTest {

    private static final BsonTimestamp T = new BsonTimestamp(1705099971, 4);
    private static final BsonDocument TOKEN = new BsonDocument("_data", new BsonString("8265A1C2C3000000042B02"));

    @Test
    void everyKindRoundTripsThroughItsText() {
        for (MongoOffset offset : new MongoOffset[] {MongoOffset.token(T, TOKEN), MongoOffset.time(T),
                MongoOffset.copy(T, "shop.order:lines"), MongoOffset.token(new BsonTimestamp(-1, -1), TOKEN)}) {
            assertThat(MongoOffset.decode(offset.encode())).isEqualTo(offset);
        }
        assertThat(MongoOffset.token(T, TOKEN).encode())
                .isEqualTo("mongo:token:1705099971.4:{\"_data\": \"8265A1C2C3000000042B02\"}");
        assertThat(MongoOffset.copy(T, "shop.orders").encode()).isEqualTo("mongo:copy:1705099971.4:shop.orders");
    }

    @Test
    void copyOffsetsCarryTheLastIdOfEveryTypeExactly() {
        List<BsonValue> ids = new ArrayList<>(MixedIds.inMongoDbOrder());
        ids.addAll(List.of(new BsonDouble(Double.NaN), new BsonDouble(-0.0), new BsonDouble(1.0), new BsonInt64(1),
                new BsonString("shop.orders$\"x\": {\"$oid\": 1}:\n"), new BsonSymbol("s"),
                new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16]),
                new BsonDecimal128(Decimal128.parse("-0E+3")), BsonDocument.parse("{b: {c: [1, 'x']}, a: null}")));
        for (BsonValue id : ids) {
            MongoOffset offset = MongoOffset.copy(T, "shop.order:lines", id);
            MongoOffset decoded = MongoOffset.decode(offset.encode());
            assertThat(decoded).as(offset.encode()).isEqualTo(offset);
            assertThat(decoded.lastId().getBsonType()).isEqualTo(id.getBsonType());
            assertThat(decoded.namespace()).isEqualTo("shop.order:lines");
        }
        assertThat(MongoOffset.copy(T, "shop.orders", new BsonInt32(7)).encode())
                .isEqualTo("mongo:copy:1705099971.4:shop.orders${\"$numberInt\": \"7\"}");
        assertThat(MongoOffset.copy(T, "shop.orders", new BsonString("a:b")).encode())
                .isEqualTo("mongo:copy:1705099971.4:shop.orders$\"a:b\"");
        assertThatThrownBy(() -> MongoOffset.copy(T, "shop.or$ders", new BsonInt32(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCopyOffsetWrittenBeforeIdsWereKeptStillDecodesAsTheCollectionFromItsStart() {
        MongoOffset old = MongoOffset.decode("mongo:copy:1705099971.4:shop.order:lines");
        assertThat(old.kind()).isEqualTo(MongoOffset.Kind.COPY);
        assertThat(old.time()).isEqualTo(T);
        assertThat(old.namespace()).isEqualTo("shop.order:lines");
        assertThat(old.lastId()).isNull();
        assertThat(old.encode()).isEqualTo("mongo:copy:1705099971.4:shop.order:lines");
    }

    @Test
    void aCopyCoversTheIdsItHasPassedInMongoDbOrder() {
        MongoOffset atString = MongoOffset.copy(T, "shop.orders", new BsonString("b"));
        assertThat(atString.covers(MongoOffset.copy(T, "shop.orders", new BsonString("a")))).isTrue();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.orders", new BsonInt64(1L << 40)))).isTrue();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.orders"))).isTrue();
        assertThat(atString.covers(atString)).isTrue();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.orders", BsonDocument.parse("{a: 1}")))).isFalse();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.orders", new BsonString("c")))).isFalse();
        assertThat(MongoOffset.copy(T, "shop.orders").covers(atString)).isFalse();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.lines", new BsonString("z")))).isTrue();
        assertThat(atString.covers(MongoOffset.copy(T, "shop.zebras", new BsonString("a")))).isFalse();
    }

    @Test
    void everyKindCarriesTheScopeItWasWrittenWithAndOlderTextsHaveNone() {
        String stamp = new Scope("shop", null, TableFilter.include("shop.orders", "shop.a:b")).stamp();
        for (MongoOffset offset : new MongoOffset[] {MongoOffset.token(T, TOKEN), MongoOffset.time(T),
                MongoOffset.copy(T, "shop.order:lines", new BsonString("x;scope=y:z"))}) {
            MongoOffset scoped = offset.scoped(stamp);
            assertThat(MongoOffset.decode(scoped.encode())).isEqualTo(scoped);
            assertThat(MongoOffset.decode(scoped.encode()).scope()).isEqualTo(stamp);
            assertThat(MongoOffset.decode(offset.encode()).scope()).isNull();
            assertThat(scoped.covers(offset) && offset.covers(scoped)).isTrue();
        }
        assertThat(MongoOffset.time(T).scoped(stamp).encode()).isEqualTo("mongo:time:1705099971.4;scope=" + stamp);
        assertThatThrownBy(() -> MongoOffset.decode("mongo:time:1.2;other=x")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("is not ;scope=<stamp>");
    }

    @Test
    void aScopeStampRecordsWhatTheScopeSelects() {
        Scope scope = new Scope("shop", null, TableFilter.include("shop.orders", "shop.a/b:c").exclude("shop.x"));
        Scope again = Scope.ofStamp(scope.stamp());
        assertThat(again.stamp()).isEqualTo(scope.stamp());
        assertThat(again.database()).isEqualTo("shop");
        assertThat(again.collection()).isNull();
        assertThat(again.captures(TableId.of("shop", "a/b:c"))).isTrue();
        assertThat(again.captures(TableId.of("shop", "orders"))).isTrue();
        assertThat(again.captures(TableId.of("shop", "x"))).isFalse();
        assertThat(again.captures(TableId.of("shop", "items"))).isFalse();
        assertThat(new Scope("shop", null, TableFilter.include("shop.a/b:c", "shop.orders", "shop.orders")
                .exclude("shop.x")).stamp()).isEqualTo(scope.stamp());
        assertThat(new Scope("shop", "orders", TableFilter.all()).stamp())
                .isNotEqualTo(new Scope("shop", null, TableFilter.all()).stamp())
                .isNotEqualTo(new Scope(null, null, TableFilter.all()).stamp());
        assertThat(Scope.ofStamp(new Scope(null, null, TableFilter.all()).stamp()))
                .isEqualTo(new Scope(null, null, TableFilter.all()));
        String[] many = new String[40];
        for (int i = 0; i < many.length; i++) {
            many[i] = "shop.collection_" + i;
        }
        assertThat(Scope.ofStamp(new Scope("shop", null, TableFilter.include(many)).stamp())).isNull();
    }

    @Test
    void foreignOrDamagedTextIsRefusedWithWhatWasExpected() {
        for (String bad : new String[] {"pg:0/16B3748", "mongo:token:1.2", "mongo:time:12", "mongo:copy:1.2:nodot",
                "mongo:token:1.2:{not json", "mongo:later:1.2", "mongo:copy:1.2:shop.orders${\"$oid\": 12",
                "mongo:copy:1.2:shop.orders$1, \"x\": 2", "mongo:copy:1.2:nodot$1"}) {
            assertThatThrownBy(() -> MongoOffset.decode(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a MongoDB source offset")
                    .hasMessageContaining("mongo:token:<t>.<i>:<token>");
        }
    }

    @Test
    void aTokenCoversEverythingBeforeTheNextTick() {
        MongoOffset event = MongoOffset.token(T, TOKEN);
        assertThat(event.covers(MongoOffset.time(new BsonTimestamp(1705099971, 5)))).isTrue();
        assertThat(event.covers(MongoOffset.time(new BsonTimestamp(1705099971, 6)))).isFalse();
        assertThat(MongoOffset.time(new BsonTimestamp(1705099971, 5)).covers(event)).isTrue();
        assertThat(MongoOffset.time(T).covers(event)).isFalse();
    }

    @Test
    void tokensOfOneTransactionAreOrderedByTheirData() {
        MongoOffset first = MongoOffset.token(T, new BsonDocument("_data", new BsonString("8265A1C2C3000000042B0201")));
        MongoOffset second = MongoOffset.token(T, new BsonDocument("_data", new BsonString("8265A1C2C3000000042B0202")));
        assertThat(second.covers(first)).isTrue();
        assertThat(first.covers(second)).isFalse();
        MongoOffset foreign = MongoOffset.token(T, new BsonDocument("_data", new BsonString("6b025c2f00000002")));
        assertThat(foreign.covers(first)).isFalse();
        assertThat(foreign.covers(foreign)).isTrue();
    }

    @Test
    void aSnapshotNeverCoversTheStreamButTheStreamCoversTheSnapshot() {
        MongoOffset copying = MongoOffset.copy(T, "shop.orders");
        assertThat(copying.covers(MongoOffset.time(new BsonTimestamp(1, 1)))).isFalse();
        assertThat(copying.covers(MongoOffset.token(new BsonTimestamp(1, 1), TOKEN))).isFalse();
        assertThat(copying.covers(MongoOffset.copy(T, "shop.lines"))).isTrue();
        assertThat(copying.covers(MongoOffset.copy(T, "shop.zebras"))).isFalse();
        assertThat(MongoOffset.time(T).covers(copying)).isTrue();
        assertThatThrownBy(() -> copying.covers(new SeqOffset(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resumeTokensInMongoFormatTellTheirClusterTime() {
        assertThat(ResumeTokens.clusterTime(TOKEN)).isEqualTo(T);
        assertThat(ResumeTokens.clusterTime(new BsonDocument("_data", new BsonString("6b025c2f00000002")))).isNull();
        assertThat(ResumeTokens.clusterTime(new BsonDocument())).isNull();
        assertThat(ResumeTokens.next(new BsonTimestamp(5, -1))).isEqualTo(new BsonTimestamp(6, 0));
    }
}

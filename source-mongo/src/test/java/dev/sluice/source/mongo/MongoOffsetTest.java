package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.SeqOffset;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
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
    void foreignOrDamagedTextIsRefusedWithWhatWasExpected() {
        for (String bad : new String[] {"pg:0/16B3748", "mongo:token:1.2", "mongo:time:12", "mongo:copy:1.2:nodot",
                "mongo:token:1.2:{not json", "mongo:later:1.2"}) {
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

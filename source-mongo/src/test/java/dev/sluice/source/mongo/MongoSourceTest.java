package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

class MongoSourceTest {

    private static MongoSource.Builder builder() {
        return MongoSource.builder().connectionString("mongodb://app:s3cr%40t@db1:27017,db2/?replicaSet=rs0");
    }

    @Test
    void thePasswordNeverShows() {
        MongoSource source = builder().database("shop").collection("orders").build();
        assertThat(source.toString()).contains("app:****@db1:27017,db2", "collection shop.orders", "LATEST")
                .doesNotContain("s3cr");
        assertThatThrownBy(() -> MongoSource.builder().connectionString("mongodb://app:hunter2@"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2").hasMessageContaining("app:****@");
    }

    @Test
    void badConfigurationIsRefusedAtOnceNamingTheValue() {
        assertThatThrownBy(() -> MongoSource.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connectionString");
        assertThatThrownBy(() -> builder().collection("orders").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("database(...)");
        assertThatThrownBy(() -> builder().startupMode(StartupMode.TIMESTAMP).build())
                .hasMessageContaining("startAtOperationTime");
        assertThatThrownBy(() -> builder().startAtOperationTime(Instant.parse("2024-01-01T00:00:00Z")).build())
                .hasMessageContaining("StartupMode.TIMESTAMP");
        assertThatThrownBy(() -> builder().database("a.b")).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> builder().batchSize(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> builder().promote("a.b", Type.STRING)).hasMessageContaining("top-level");
        assertThatThrownBy(() -> builder().promote("document", Type.STRING)).hasMessageContaining("taken");
        assertThatThrownBy(() -> builder().promote("tags", Type.arrayOf(Type.STRING)))
                .hasMessageContaining("array<string>");
        assertThatThrownBy(() -> builder().promote("x", Type.STRING).promote("x", Type.INT32))
                .hasMessageContaining("twice");
    }

    @Test
    void aTimestampStartIsTheGivenClusterTime() {
        MongoSource source = builder().startupMode(StartupMode.TIMESTAMP)
                .startAtOperationTime(Instant.parse("2024-01-12T22:52:51.999Z")).build();
        assertThat(source.startAtOperationTime()).isEqualTo(new BsonTimestamp(1705099971, 0));
    }

    @Test
    void includeAndExcludePatternsCombine() {
        MongoSource source = builder().include("shop.*", "crm.contacts").exclude("shop.audit_*").build();
        assertThat(source.scope().captures(dev.sluice.TableId.of("shop", "orders"))).isTrue();
        assertThat(source.scope().captures(dev.sluice.TableId.of("shop", "audit_2024"))).isFalse();
        assertThat(source.scope().captures(dev.sluice.TableId.of("crm", "contacts"))).isTrue();
        assertThat(source.scope().captures(dev.sluice.TableId.of("crm", "leads"))).isFalse();
        assertThat(source.scope().captures(dev.sluice.TableId.of("admin", "system.users"))).isFalse();
    }

    @Test
    void promotedValuesOfAnotherTypeOrThatDoNotFitAreNull() {
        BsonDocument doc = BsonDocument.parse("{d: {$numberDecimal: '1.005'}, big: {$numberDecimal: '123456.7'},"
                + " nan: {$numberDecimal: 'NaN'}, negzero: {$numberDecimal: '-0.0'}, i: 3,"
                + " l: {$numberLong: '9007199254740993'}, s: 'x', date: {$date: '2024-01-01T00:00:00Z'}}");
        assertThat(value(doc, "d", Type.decimal(6, 2))).isNull();
        assertThat(value(doc, "big", Type.decimal(6, 2))).isNull();
        assertThat(value(doc, "big", Type.decimal())).isEqualTo(new BigDecimal("123456.7"));
        assertThat(value(doc, "nan", Type.decimal())).isNull();
        assertThat(value(doc, "negzero", Type.decimal(3, 2))).isEqualTo(new BigDecimal("0.00"));
        assertThat(value(doc, "i", Type.INT64)).isEqualTo(3L);
        assertThat(value(doc, "i", Type.FLOAT64)).isEqualTo(3.0);
        assertThat(value(doc, "l", Type.FLOAT64)).isNull();
        assertThat(value(doc, "l", Type.INT32)).isNull();
        assertThat(value(doc, "s", Type.TIMESTAMP_TZ)).isNull();
        assertThat(value(doc, "date", Type.STRING)).isNull();
        assertThat(value(doc, "missing", Type.STRING)).isNull();
        assertThat(List.of(value(doc, "date", Type.TIMESTAMP_TZ))).containsExactly(Instant.parse("2024-01-01T00:00:00Z"));
    }

    private static Object value(BsonDocument doc, String field, Type type) {
        return new Promotion(field, type).valueIn(doc);
    }
}

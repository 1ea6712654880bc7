package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The resume filters of a copy and MongoDB's order of _id values, without a server. */
class IdOrderTest {

    private static final String UP_TO_NUMBERS = "\"minKey\", \"null\", \"double\", \"int\", \"long\", \"decimal\"";

    @Test
    void afterANumberTheFilterTakesLargerNumbersAndEveryLaterBracket() {
        assertThat(IdOrder.after(new BsonInt32(7))).isEqualTo(BsonDocument.parse("{$or: ["
                + "{_id: {$gt: 7}},"
                + "{_id: {$not: {$type: [" + UP_TO_NUMBERS + "]}}}]}"));
    }

    @Test
    void afterAStringOrLaterStringsAndSymbolsAreExcludedByValueNotByTheirAlias() {
        assertThat(IdOrder.after(new BsonString("a:b"))).isEqualTo(BsonDocument.parse("{$or: ["
                + "{_id: {$gt: 'a:b'}},"
                + "{$and: [{_id: {$not: {$type: [" + UP_TO_NUMBERS + "]}}}, {_id: {$not: {$gte: ''}}}]}]}"));
        ObjectId oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
        assertThat(IdOrder.after(new BsonObjectId(oid))).isEqualTo(BsonDocument.parse("{$or: ["
                + "{_id: {$gt: {$oid: '65a1b2c3d4e5f60718293a4b'}}},"
                + "{$and: [{_id: {$not: {$type: [" + UP_TO_NUMBERS + ", 'object', 'binData', 'objectId']}}},"
                + " {_id: {$not: {$gte: ''}}}]}]}"));
        assertThat(IdOrder.after(new BsonSymbol("s")).getArray("$or").get(0))
                .isEqualTo(new BsonDocument("_id", new BsonDocument("$gt", new BsonSymbol("s"))));
    }

    @Test
    void singleValueBracketsHaveNoGtClauseAndNothingFollowsMaxKey() {
        // $gt: MinKey would match every value of every other bracket
        assertThat(IdOrder.after(new BsonMinKey()))
                .isEqualTo(BsonDocument.parse("{_id: {$not: {$type: ['minKey']}}}"));
        assertThat(IdOrder.after(new BsonNull()))
                .isEqualTo(BsonDocument.parse("{_id: {$not: {$type: ['minKey', 'null']}}}"));
        assertThat(IdOrder.after(new BsonMaxKey())).isEqualTo(BsonDocument.parse("{_id: {$in: []}}"));
    }

    @Test
    void afterNaNWhichSortsFirstAmongNumbersButMatchesNoGtEveryOtherNumberFollows() {
        BsonDocument expected = BsonDocument.parse("{$or: ["
                + "{_id: {$gte: {$numberDouble: '-Infinity'}}},"
                + "{_id: {$not: {$type: [" + UP_TO_NUMBERS + "]}}}]}");
        assertThat(IdOrder.after(new BsonDouble(Double.NaN))).isEqualTo(expected);
        assertThat(IdOrder.after(new BsonDecimal128(Decimal128.NaN))).isEqualTo(expected);
    }

    @Test
    void typesTheFakeDoesNotStoreAreNamedOnlyWhenTheLastIdIsOneOfThem() {
        assertThat(IdOrder.after(new BsonJavaScript("f()")).toJson()).contains("\"dbPointer\", \"javascript\"")
                .doesNotContain("javascriptWithScope").doesNotContain("symbol");
        assertThat(IdOrder.after(new BsonTimestamp(1, 1)).toJson()).doesNotContain("dbPointer");
    }

    @Test
    void bsonOrderSortsEveryBracketAsMongoDbDoes() {
        List<BsonValue> expected = new ArrayList<>(MixedIds.inMongoDbOrder());
        // what the fake cannot hold, in MongoDB's order: NaN first among numbers, symbols among strings,
        // binaries by length then subtype, then the JavaScript types before MaxKey
        expected.add(2, new BsonDouble(Double.NaN));
        expected.add(3, new BsonDouble(Double.NEGATIVE_INFINITY));
        expected.add(expected.indexOf(new BsonString("a")) + 1, new BsonSymbol("a0"));
        expected.add(expected.indexOf(new BsonBinary(new byte[] {0, 0})) + 1, new BsonBinary((byte) 4,
                new byte[] {0, 0}));
        int maxKey = expected.size() - 1;
        expected.add(maxKey, new BsonDbPointer("a.b", new ObjectId("65a1b2c3d4e5f60718293a4b")));
        expected.add(maxKey + 1, new BsonJavaScript("f()"));
        expected.add(maxKey + 2, new BsonJavaScriptWithScope("f()", new BsonDocument()));
        List<BsonValue> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(21));

        shuffled.sort(BsonOrder.ORDER);

        assertThat(shuffled).isEqualTo(expected);
    }

    @Test
    void numbersCompareExactlyAcrossTheirTypes() {
        assertThat(BsonOrder.compare(new BsonInt64(9_007_199_254_740_993L), new BsonDouble(9_007_199_254_740_992.0)))
                .isPositive();
        assertThat(BsonOrder.compare(new BsonInt32(1), new BsonDouble(1.0))).isZero();
        assertThat(BsonOrder.compare(new BsonDecimal128(Decimal128.NEGATIVE_ZERO), new BsonInt32(0))).isZero();
        assertThat(BsonOrder.compare(new BsonDecimal128(Decimal128.parse("0.1")), new BsonDouble(0.1))).isNegative();
        assertThat(BsonOrder.compare(new BsonDecimal128(Decimal128.POSITIVE_INFINITY),
                new BsonDouble(Double.POSITIVE_INFINITY))).isZero();
    }

    @Test
    void stringsCompareByTheirUtf8Bytes() {
        // U+FF5E sorts before U+1F350 in UTF-16 code units, after it in UTF-8 bytes
        assertThat(BsonOrder.compare(new BsonString("\uff5e"), new BsonString("\ud83c\udf50"))).isNegative();
        assertThat("\uff5e".compareTo("\ud83c\udf50")).isPositive();
    }
}

package dev.sluice.source.mongo;

import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * {@code _id} values of every type bracket an {@code _id} can have in both MongoDB and mongo-java-server, listed by
 * hand in MongoDB's order (docs: "Comparison/Sort Order"). Left out because the two servers order them differently
 * (see docs/source-mongo.md): NaN, binaries of other subtypes than 0 (UUIDs), longs beside doubles with fractions
 * close to them, strings with characters outside the BMP or from U+E000 on, and Symbol, DBPointer and JavaScript,
 * which the fake does not store.
 */
final class MixedIds {

    private MixedIds() {}

    static List<BsonValue> inMongoDbOrder() {
        return List.of(
                new BsonMinKey(),
                new BsonNull(),
                new BsonDouble(-2.5),
                new BsonInt32(-1),
                new BsonInt32(0),
                new BsonDouble(1.5),
                new BsonInt32(2),
                new BsonDecimal128(Decimal128.parse("4.25")),
                new BsonInt64(7_000_000_000L),
                new BsonString(""),
                new BsonString("A"),
                new BsonString("a"),
                new BsonString("a:b"),
                new BsonString("b$c{\"}"),
                new BsonString("größe"),
                BsonDocument.parse("{a: 1}"),
                BsonDocument.parse("{a: 1, b: 1}"),
                BsonDocument.parse("{a: 2}"),
                BsonDocument.parse("{b: 1}"), // before {a: 'x'}: a field's value type counts before its name
                BsonDocument.parse("{a: 'x'}"),
                new BsonBinary(new byte[0]),
                new BsonBinary(new byte[] {1}),
                new BsonBinary(new byte[] {(byte) 0xff}),
                new BsonBinary(new byte[] {0, 0}), // longer binaries after shorter ones, whatever their bytes
                new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4b")),
                new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4c")),
                BsonBoolean.FALSE,
                BsonBoolean.TRUE,
                new BsonDateTime(-86_400_000L),
                new BsonDateTime(1_705_099_971_000L),
                new BsonTimestamp(1_705_099_971, 1),
                new BsonTimestamp(1_705_099_971, 2),
                new BsonMaxKey());
    }
}

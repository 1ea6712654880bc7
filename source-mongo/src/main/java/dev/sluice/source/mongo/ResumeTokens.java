package dev.sluice.source.mongo;

import java.util.HexFormat;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Facts about resume tokens and cluster times. A MongoDB (4.2+) resume token is {@code {_data: "<hex>"}}, whose
 * hex starts with the byte 0x82 (a timestamp in MongoDB's KeyString encoding) followed by the 8-byte big-endian
 * cluster time; its hex compares in event order. Tokens of other servers (mongo-java-server uses the timestamp's
 * hex alone) are kept and passed back, never interpreted.
 */
final class ResumeTokens {

    private ResumeTokens() {}

    /** The token's {@code _data} string, or null if it has none. */
    static String data(BsonDocument token) {
        BsonValue data = token == null ? null : token.get("_data");
        return data != null && data.isString() ? data.asString().getValue() : null;
    }

    /** True if {@code data} is in MongoDB's format: 0x82 and a cluster time, in hex. */
    static boolean isMongoFormat(String data) {
        return data != null && data.length() >= 18 && data.regionMatches(true, 0, "82", 0, 2)
                && isHex(data.substring(0, 18));
    }

    /** The cluster time a MongoDB-format token holds, or null if the token is not in that format. */
    static BsonTimestamp clusterTime(BsonDocument token) {
        String data = data(token);
        if (!isMongoFormat(data)) {
            return null;
        }
        return new BsonTimestamp(HexFormat.fromHexDigitsToLong(data.substring(2, 18)));
    }

    /** The cluster time one tick after {@code t}. */
    static BsonTimestamp next(BsonTimestamp t) {
        return t.getInc() == -1 ? new BsonTimestamp(t.getTime() + 1, 0) : new BsonTimestamp(t.getTime(), t.getInc() + 1);
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}

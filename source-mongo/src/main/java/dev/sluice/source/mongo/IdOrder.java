package dev.sluice.source.mongo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * MongoDB's order of {@code _id} values (the order of the _id index, BSON comparison order) and the filter that
 * continues a read sorted by {@code _id} after one of them. Stateless.
 *
 * <p>Values compare first by their type's <em>bracket</em> (MongoDB's {@code canonicalizeBSONType}): MinKey &lt;
 * Undefined &lt; Null &lt; numbers &lt; String and Symbol &lt; Object &lt; Array &lt; BinData &lt; ObjectId &lt;
 * Boolean &lt; Date &lt; Timestamp &lt; RegEx &lt; DBPointer &lt; JavaScript &lt; JavaScript with scope &lt; MaxKey;
 * then by value within the bracket ({@link BsonOrder}). Comparison operators such as {@code $gt} only match values
 * of their operand's bracket, so {@link #after} joins {@code $gt} on the rest of the bracket with a clause that
 * takes every later bracket.
 */
final class IdOrder {

    /**
     * The {@code $type} aliases of the types an {@code _id} can have (MongoDB refuses Array, RegEx and Undefined
     * as {@code _id}), in bracket order. Symbol is left out: it shares String's bracket, which the filter takes by
     * value ({@code $gte: ""} matches every string and symbol), so the filter never names an alias that a server
     * without Symbol support (mongo-java-server) refuses unless the last {@code _id} itself is of such a type.
     */
    private static final Map<String, BsonType> ID_TYPES = new LinkedHashMap<>();

    static {
        ID_TYPES.put("minKey", BsonType.MIN_KEY);
        ID_TYPES.put("null", BsonType.NULL);
        ID_TYPES.put("double", BsonType.DOUBLE);
        ID_TYPES.put("int", BsonType.INT32);
        ID_TYPES.put("long", BsonType.INT64);
        ID_TYPES.put("decimal", BsonType.DECIMAL128);
        ID_TYPES.put("object", BsonType.DOCUMENT);
        ID_TYPES.put("binData", BsonType.BINARY);
        ID_TYPES.put("objectId", BsonType.OBJECT_ID);
        ID_TYPES.put("bool", BsonType.BOOLEAN);
        ID_TYPES.put("date", BsonType.DATE_TIME);
        ID_TYPES.put("timestamp", BsonType.TIMESTAMP);
        ID_TYPES.put("dbPointer", BsonType.DB_POINTER);
        ID_TYPES.put("javascript", BsonType.JAVASCRIPT);
        ID_TYPES.put("javascriptWithScope", BsonType.JAVASCRIPT_WITH_SCOPE);
        ID_TYPES.put("maxKey", BsonType.MAX_KEY);
    }

    private static final int STRING_BRACKET = bracket(BsonType.STRING);

    private IdOrder() {}

    /** The rank of a value's type bracket: equal ranks compare by value, lower ranks sort first. */
    static int bracket(BsonValue value) {
        return bracket(value.getBsonType());
    }

    static int bracket(BsonType type) {
        return switch (type) {
            case MIN_KEY -> -1;
            case END_OF_DOCUMENT, UNDEFINED -> 0;
            case NULL -> 5;
            case DOUBLE, INT32, INT64, DECIMAL128 -> 10;
            case STRING, SYMBOL -> 15;
            case DOCUMENT -> 20;
            case ARRAY -> 25;
            case BINARY -> 30;
            case OBJECT_ID -> 35;
            case BOOLEAN -> 40;
            case DATE_TIME -> 45;
            case TIMESTAMP -> 47;
            case REGULAR_EXPRESSION -> 50;
            case DB_POINTER -> 55;
            case JAVASCRIPT -> 60;
            case JAVASCRIPT_WITH_SCOPE -> 65;
            case MAX_KEY -> 127;
        };
    }

    /**
     * The filter on {@code _id} that matches exactly the values after {@code last} in MongoDB's order: the rest of
     * its bracket ({@code $gt}, or every number after a NaN, which sorts first among numbers but matches no
     * {@code $gt}) or any later bracket (not of a type up to {@code last}'s bracket; not a string or symbol once
     * {@code last} is one or later). After MaxKey it matches nothing.
     */
    static BsonDocument after(BsonValue last) {
        List<BsonDocument> either = new ArrayList<>();
        BsonDocument rest = restOfBracket(last);
        if (rest != null) {
            either.add(new BsonDocument("_id", rest));
        }
        BsonDocument later = laterBrackets(bracket(last));
        if (later != null) {
            either.add(later);
        }
        if (either.isEmpty()) {
            return new BsonDocument("_id", new BsonDocument("$in", new BsonArray()));
        }
        return either.size() == 1 ? either.get(0) : new BsonDocument("$or", new BsonArray(either));
    }

    private static BsonDocument restOfBracket(BsonValue last) {
        return switch (last.getBsonType()) {
            // one value each; and $gt: MinKey would match every other bracket too
            case MIN_KEY, MAX_KEY, NULL, UNDEFINED, END_OF_DOCUMENT -> null;
            case DOUBLE, DECIMAL128, INT32, INT64 -> BsonOrder.isNaN(last)
                    ? new BsonDocument("$gte", new BsonDouble(Double.NEGATIVE_INFINITY))
                    : new BsonDocument("$gt", last);
            default -> new BsonDocument("$gt", last);
        };
    }

    private static BsonDocument laterBrackets(int bracket) {
        if (bracket >= bracket(BsonType.MAX_KEY)) {
            return null;
        }
        BsonArray upTo = new BsonArray();
        ID_TYPES.forEach((alias, type) -> {
            if (bracket(type) <= bracket) {
                upTo.add(new BsonString(alias));
            }
        });
        BsonDocument notUpTo = new BsonDocument("_id",
                new BsonDocument("$not", new BsonDocument("$type", upTo)));
        if (bracket < STRING_BRACKET) {
            return notUpTo;
        }
        BsonDocument notString = new BsonDocument("_id",
                new BsonDocument("$not", new BsonDocument("$gte", new BsonString(""))));
        return new BsonDocument("$and", new BsonArray(List.of(notUpTo, notString)));
    }
}

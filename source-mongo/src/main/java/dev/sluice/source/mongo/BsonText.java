package dev.sluice.source.mongo;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** The text forms of BSON values that rows carry: documents as relaxed, keys as canonical Extended JSON. */
final class BsonText {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
            .indent(false).build();
    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder()
            .outputMode(JsonMode.EXTENDED).indent(false).build();
    private static final String KEY_PREFIX = "{\"_id\": ";

    private BsonText() {}

    /** A document as relaxed Extended JSON v2: dates, decimals, ObjectIds and binaries keep their type. */
    static String json(BsonDocument document) {
        return document == null ? null : document.toJson(RELAXED);
    }

    /**
     * An {@code _id} value as canonical Extended JSON v2, which keeps every BSON type apart (the string
     * {@code "1"}, the int {@code {"$numberInt": "1"}} and the long {@code {"$numberLong": "1"}} differ).
     */
    static String key(BsonValue id) {
        String json = new BsonDocument("_id", id).toJson(CANONICAL);
        // the writer's form is exactly {"_id": <value>}: keep the value
        return json.substring(KEY_PREFIX.length(), json.length() - 1);
    }
}

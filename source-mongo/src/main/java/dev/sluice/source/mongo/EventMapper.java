package dev.sluice.source.mongo;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.TruncatedArray;
import com.mongodb.client.model.changestream.UpdateDescription;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.TableId;
import java.time.Instant;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Turns one change stream event, in MongoDB's documented format, into at most one {@link ChangeEvent} and the
 * position after it. Stateless apart from configuration; thread-safe.
 */
final class EventMapper {

    /** Event types that change no document: they only move the position on. */
    private static final Set<String> NO_DATA = Set.of("create", "createIndexes", "dropIndexes", "modify",
            "shardCollection", "refineCollectionShardKey", "reshardCollection", "createSearchIndexes",
            "dropSearchIndexes", "updateSearchIndexes", "dropDatabase");

    /**
     * What one change stream event amounts to.
     *
     * @param event the change to deliver, or null if the event changes nothing captured
     * @param position the position just after the event
     * @param invalidated true for an {@code invalidate}: the server ends the stream
     */
    record Mapped(ChangeEvent event, MongoOffset position, boolean invalidated) {}

    private final Scope scope;
    private final MongoSchema schema;
    /** The scope's stamp, recorded in every position ({@link MongoOffset#scope()}). */
    private final String stamp;

    EventMapper(Scope scope, MongoSchema schema) {
        this.scope = scope;
        this.schema = schema;
        this.stamp = scope.stamp();
    }

    Mapped map(ChangeStreamDocument<BsonDocument> e) {
        String type = e.getOperationTypeString();
        BsonTimestamp clusterTime = e.getClusterTime();
        BsonDocument token = e.getResumeToken();
        if (type == null || clusterTime == null || token == null) {
            throw new FatalException("a change event lacks its operationType, clusterTime or _id (resume token): "
                    + e + ". MongoDB always sends them; check that the server is MongoDB 4.2 or later.");
        }
        MongoOffset position = MongoOffset.token(clusterTime, token).scoped(stamp);
        if (type.equals("invalidate")) {
            return new Mapped(null, position, true);
        }
        if (NO_DATA.contains(type)) {
            return new Mapped(null, position, false);
        }
        TableId table = table(e, type);
        if (!scope.captures(table)) {
            if (type.equals("rename")) {
                checkRenameTarget(e, table);
            }
            return new Mapped(null, position, false);
        }
        ChangeEvent.Builder builder = switch (type) {
            case "insert" -> ChangeEvent.builder(Op.INSERT, table, schema.schema())
                    .after(schema.row(id(e, type), e.getFullDocument(), null));
            case "update", "replace" -> update(e, type, table);
            case "delete" -> ChangeEvent.builder(Op.DELETE, table, schema.schema())
                    .before(schema.row(id(e, type), e.getFullDocumentBeforeChange(), null));
            case "drop" -> ChangeEvent.builder(Op.TRUNCATE, table, schema.schema());
            case "rename" -> {
                checkRenameTarget(e, table);
                yield ChangeEvent.builder(Op.TRUNCATE, table, schema.schema());
            }
            default -> throw new FatalException("change event of unknown type '" + type + "' on " + table + " at "
                    + position.encode() + ": this version of Sluice cannot tell what it does to the collection."
                    + " Upgrade Sluice, or exclude the collection if it need not be captured.");
        };
        ChangeEvent event = builder
                .offset(position)
                .commitTime(commitTime(e, clusterTime))
                .transactionId(transactionId(e))
                .build();
        return new Mapped(event, position, false);
    }

    private ChangeEvent.Builder update(ChangeStreamDocument<BsonDocument> e, String type, TableId table) {
        BsonValue id = id(e, type);
        BsonDocument description = type.equals("update") ? description(e.getUpdateDescription()) : null;
        BsonDocument full = e.getFullDocument();
        ChangeEvent.Builder builder = ChangeEvent.builder(Op.UPDATE, table, schema.schema())
                .after(schema.row(id, full, description));
        if (full == null) {
            // no post-image (fullDocument off, or the document was deleted before the lookup): the document and
            // the promoted fields are unknown, not null; a later delete follows if it was deleted
            builder.unchanged(1);
            for (int i = schema.firstPromoted(); i < schema.schema().size(); i++) {
                builder.unchanged(i);
            }
        }
        BsonDocument before = e.getFullDocumentBeforeChange();
        if (before != null) {
            builder.before(schema.row(id, before, null));
        }
        return builder;
    }

    private TableId table(ChangeStreamDocument<BsonDocument> e, String type) {
        BsonDocument ns = e.getNamespaceDocument();
        if (ns != null && ns.isString("db") && ns.isString("coll")) {
            return TableId.of(ns.getString("db").getValue(), ns.getString("coll").getValue());
        }
        if (scope.isCollection()) {
            // a collection's stream only has events of that collection (mongo-java-server sends no ns at all)
            return TableId.of(scope.database(), scope.collection());
        }
        throw new FatalException("a '" + type + "' change event names no collection (its ns is " + ns + "): "
                + e + ". MongoDB always sends one; a server that does not cannot be watched beyond one collection:"
                + " configure MongoSource with database(...) and collection(...).");
    }

    /** The document's _id: from documentKey as documented, else from the full document. */
    private static BsonValue id(ChangeStreamDocument<BsonDocument> e, String type) {
        BsonDocument key = e.getDocumentKey();
        if (key != null && key.containsKey("_id")) {
            return key.get("_id");
        }
        // not MongoDB's format; mongo-java-server puts the update itself into documentKey
        for (BsonDocument image : new BsonDocument[] {e.getFullDocument(), e.getFullDocumentBeforeChange()}) {
            if (image != null && image.containsKey("_id")) {
                return image.get("_id");
            }
        }
        throw new FatalException("a '" + type + "' change event carries no _id, neither in its documentKey nor in"
                + " a full document, so the changed document cannot be named: " + e + ". MongoDB always sends"
                + " documentKey._id; use a server that does.");
    }

    private void checkRenameTarget(ChangeStreamDocument<BsonDocument> e, TableId from) {
        BsonDocument to = e.getDestinationNamespaceDocument();
        if (to == null || !to.isString("db") || !to.isString("coll")) {
            return;
        }
        TableId target = TableId.of(to.getString("db").getValue(), to.getString("coll").getValue());
        if (scope.captures(target)) {
            throw new FatalException("collection " + from + " was renamed to " + target + ", which is captured:"
                    + " its documents moved there without change events, so streaming on cannot show them."
                    + " Fix: re-copy — delete this pipeline's stored offset and start it with"
                    + " StartupMode.COPY_EXISTING.");
        }
    }

    static BsonDocument description(UpdateDescription d) {
        if (d == null) {
            return null;
        }
        BsonDocument doc = new BsonDocument();
        doc.put("updatedFields", d.getUpdatedFields() == null ? new BsonDocument() : d.getUpdatedFields());
        BsonArray removed = new BsonArray();
        if (d.getRemovedFields() != null) {
            d.getRemovedFields().forEach(f -> removed.add(new BsonString(f)));
        }
        doc.put("removedFields", removed);
        BsonArray truncated = new BsonArray();
        if (d.getTruncatedArrays() != null) {
            for (TruncatedArray t : d.getTruncatedArrays()) {
                truncated.add(new BsonDocument("field", new BsonString(t.getField()))
                        .append("newSize", new BsonInt32(t.getNewSize())));
            }
        }
        doc.put("truncatedArrays", truncated);
        if (d.getDisambiguatedPaths() != null) {
            doc.put("disambiguatedPaths", d.getDisambiguatedPaths());
        }
        return doc;
    }

    private static Instant commitTime(ChangeStreamDocument<BsonDocument> e, BsonTimestamp clusterTime) {
        if (e.getWallTime() != null) {
            return Instant.ofEpochMilli(e.getWallTime().getValue());
        }
        return Instant.ofEpochSecond(Integer.toUnsignedLong(clusterTime.getTime()));
    }

    private static String transactionId(ChangeStreamDocument<BsonDocument> e) {
        if (e.getTxnNumber() == null) {
            return null;
        }
        BsonDocument lsid = e.getLsid();
        String session;
        BsonValue id = lsid == null ? null : lsid.get("id");
        if (id != null && id.isBinary() && id.asBinary().getType() == 4 && id.asBinary().getData().length == 16) {
            session = id.asBinary().asUuid().toString();
        } else {
            session = lsid == null ? "?" : BsonText.json(lsid);
        }
        return session + ":" + e.getTxnNumber().getValue();
    }
}

package dev.sluice.source.mongo;

import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/**
 * The COPY_EXISTING snapshot: reads every captured collection, in {@code db.collection} order, as READ events.
 * Each event carries the offset {@code copy(startAt, its collection)}, so a restart copies the interrupted
 * collection again from its start (at least once, idempotent by key) and skips the ones before it. Not
 * thread-safe: used by the capture thread only.
 *
 * <p>The seam: the stream starts at {@code startAt}, a cluster time no later than the majority commit point when
 * the copy began ({@link ServerClock#majorityCommitted}), and the copy reads from the primary with read concern
 * {@code majority}, whatever the connection string says. So every change at or before {@code startAt} is
 * majority-committed before the copy reads, hence in the copy, and every later one is in the stream; a change that
 * is later rolled back is in neither. Read from a secondary (or with read concern {@code local}), a lagging member
 * could miss changes before {@code startAt}, and a primary that steps down could show writes that never commit.
 */
final class Copier implements AutoCloseable {

    private final MongoClient client;
    private final MongoSchema schema;
    private final BsonTimestamp startAt;
    private final Instant snapshotTime;
    private final int batchSize;
    private final List<TableId> remaining;
    private TableId current;
    private MongoCursor<BsonDocument> cursor;

    Copier(MongoClient client, Scope scope, MongoSchema schema, BsonTimestamp startAt, String resumeAt,
            int batchSize, Instant snapshotTime) {
        this.client = client;
        this.schema = schema;
        this.startAt = startAt;
        this.batchSize = batchSize;
        this.snapshotTime = snapshotTime;
        this.remaining = new ArrayList<>();
        for (TableId table : collections(client, scope)) {
            if (resumeAt == null || table.toString().compareTo(resumeAt) >= 0) {
                remaining.add(table);
            }
        }
    }

    /** The captured collections that exist now, sorted by {@code db.collection}. */
    static List<TableId> collections(MongoClient client, Scope scope) {
        List<String> databases = scope.database() != null ? List.of(scope.database())
                : client.listDatabaseNames().into(new ArrayList<>());
        List<TableId> tables = new ArrayList<>();
        for (String database : databases) {
            if (scope.database() == null && Scope.SYSTEM_DATABASES.contains(database)) {
                continue;
            }
            MongoDatabase db = client.getDatabase(database);
            for (BsonDocument info : db.listCollections(BsonDocument.class)) {
                String type = info.isString("type") ? info.getString("type").getValue() : "collection";
                TableId table = TableId.of(database, info.getString("name").getValue());
                if (type.equals("collection") && scope.captures(table)) {
                    tables.add(table);
                }
            }
        }
        tables.sort(Comparator.comparing(TableId::toString));
        return tables;
    }

    /** True once every collection has been read. */
    boolean isDone() {
        return remaining.isEmpty() && cursor == null;
    }

    /** The collection being read, or null before the first and after the last. */
    TableId current() {
        return current;
    }

    /**
     * Up to {@code max} more documents, and about {@code maxBytes} of them, as READ events: fewer only at the end of
     * the copy or when the next would pass {@code maxBytes} (the first is returned whatever its size).
     */
    List<ChangeEvent> next(int max, long maxBytes) {
        List<ChangeEvent> events = new ArrayList<>(Math.min(max, batchSize));
        long bytes = 0;
        while (events.size() < max && bytes < maxBytes) {
            if (cursor == null) {
                if (remaining.isEmpty()) {
                    current = null;
                    break;
                }
                current = remaining.remove(0);
                cursor = forCopy(client.getDatabase(current.namespace())
                        .getCollection(current.name(), BsonDocument.class))
                        .find().batchSize(batchSize).cursor();
            }
            if (!cursor.hasNext()) {
                cursor.close();
                cursor = null;
                continue;
            }
            BsonDocument document = cursor.next();
            if (!document.containsKey("_id")) {
                throw new FatalException("a document of " + current + " has no _id, so it cannot be keyed: "
                        + BsonText.json(document) + ". Exclude the collection or give its documents an _id.");
            }
            ChangeEvent event = ChangeEvent.builder(Op.READ, current, schema.schema())
                    .after(schema.row(document.get("_id"), document, null))
                    .offset(MongoOffset.copy(startAt, current.toString()))
                    .commitTime(snapshotTime)
                    .build();
            events.add(event);
            bytes += event.estimatedSize();
        }
        return events;
    }

    /** The collection as the copy must read it: from the primary, majority-committed data only. */
    static <T> MongoCollection<T> forCopy(MongoCollection<T> collection) {
        return collection.withReadPreference(ReadPreference.primary()).withReadConcern(ReadConcern.MAJORITY);
    }

    @Override
    public void close() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException e) {
                // the connection is going away with the stream; nothing to release
            }
            cursor = null;
        }
    }
}

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
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * The COPY_EXISTING snapshot: reads every captured collection, in {@code db.collection} order, as READ events,
 * each collection sorted by {@code _id} (its _id index, in BSON comparison order). Each event carries the offset
 * {@code copy(startAt, its collection, its _id)}, so a restart skips the collections before the interrupted one and
 * continues that one after the last {@code _id} delivered ({@link IdOrder#after}): no document of the copy is
 * delivered twice or skipped. Not thread-safe: used by the capture thread only.
 *
 * <p>The seam: the stream starts at {@code startAt}, a cluster time no later than the majority commit point when
 * the copy began ({@link ServerClock#majorityCommitted}), and the copy reads from the primary with read concern
 * {@code majority}, whatever the connection string says. So every change at or before {@code startAt} is
 * majority-committed before the copy reads, hence in the copy, and every later one is in the stream; a change that
 * is later rolled back is in neither. Read from a secondary (or with read concern {@code local}), a lagging member
 * could miss changes before {@code startAt}, and a primary that steps down could show writes that never commit.
 *
 * <p>A resumed copy keeps the same {@code startAt} and reads the rest of the collection as it is then: it still
 * holds every change at or before {@code startAt}, and every later change, whether to a document already copied
 * or not, is in the stream as well. A document inserted after {@code startAt} with an {@code _id} at or below the
 * last one copied is brought by the stream's insert, and one deleted after {@code startAt} is removed by the
 * stream's delete, wherever its {@code _id} sorts ({@code _id}s never change). So a document changed during the
 * copy, or while the pipeline was down, may come in the copy and in the stream; applied in order by key, the events
 * still give the collection's final state.
 */
final class Copier implements AutoCloseable {

    /** The sort, and the index, of the copy: {@code _id} ascending. */
    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));

    private final MongoClient client;
    private final MongoSchema schema;
    private final BsonTimestamp startAt;
    private final Instant snapshotTime;
    private final int batchSize;
    private final List<TableId> remaining;
    private final String resumeAt;
    private final BsonValue resumeAfter;
    /** The scope's stamp, recorded in every offset ({@link MongoOffset#scope()}). */
    private final String stamp;
    private TableId current;
    private MongoCursor<BsonDocument> cursor;
    private final int tables;
    /** The collections' estimated documents ({@code estimatedDocumentCount}, from metadata), or -1. */
    private final long estimate;
    private long read;

    /**
     * A copy of the collections of {@code scope}, from {@code resumeAt} on ({@code db.collection}; null: all) and,
     * in that collection, after {@code _id} {@code resumeAfter} (null: from its start).
     */
    Copier(MongoClient client, Scope scope, MongoSchema schema, BsonTimestamp startAt, String resumeAt,
            BsonValue resumeAfter, int batchSize, Instant snapshotTime) {
        this.client = client;
        this.schema = schema;
        this.startAt = startAt;
        this.batchSize = batchSize;
        this.snapshotTime = snapshotTime;
        this.resumeAt = resumeAt;
        this.resumeAfter = resumeAfter;
        this.stamp = scope.stamp();
        this.remaining = new ArrayList<>();
        for (TableId table : collections(client, scope)) {
            if (resumeAt == null || table.toString().compareTo(resumeAt) >= 0) {
                remaining.add(table);
            }
        }
        this.tables = remaining.size();
        this.estimate = estimate(client, remaining);
    }

    private static long estimate(MongoClient client, List<TableId> collections) {
        long total = 0;
        try {
            for (TableId table : collections) {
                total += client.getDatabase(table.namespace()).getCollection(table.name()).estimatedDocumentCount();
            }
            return total;
        } catch (RuntimeException e) {
            return -1; // progress without a percentage: the copy itself does not depend on it
        }
    }

    /** How far the copy has come in this run (a resumed copy counts from where it resumed). */
    SnapshotStatus status() {
        int done = tables - remaining.size() - (cursor != null ? 1 : 0);
        return new SnapshotStatus(cursor != null ? current : null, Math.max(0, done), tables, read, estimate);
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
                    if (table.toString().indexOf(MongoOffset.ID_SEPARATOR) >= 0) {
                        // MongoDB refuses such names; the copy's offset uses the character to end the namespace
                        throw new FatalException("the collection " + table + " has a '" + MongoOffset.ID_SEPARATOR
                                + "' in its name, which the copy's offset cannot hold. Exclude it from the source.");
                    }
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
                BsonDocument filter = resumeAfter != null && current.toString().equals(resumeAt)
                        ? IdOrder.after(resumeAfter) : new BsonDocument();
                cursor = forCopy(client.getDatabase(current.namespace())
                        .getCollection(current.name(), BsonDocument.class))
                        .find(filter).sort(BY_ID).hint(BY_ID).batchSize(batchSize).cursor();
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
            BsonValue id = document.get("_id");
            ChangeEvent event = ChangeEvent.builder(Op.READ, current, schema.schema())
                    .after(schema.row(id, document, null))
                    .offset(MongoOffset.copy(startAt, current.toString(), id).scoped(stamp))
                    .commitTime(snapshotTime)
                    .build();
            events.add(event);
            read++;
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

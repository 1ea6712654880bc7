package dev.sluice.source.mongo;

import com.mongodb.client.MongoClient;
import dev.sluice.FatalException;
import dev.sluice.TableId;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collections that start being captured at a restart (a wider filter, database or collection scope): the change
 * stream brings only their changes after the stored offset, never the documents they already held. Which ones: those
 * the current scope selects (and that exist) and the scope recorded in the stored offset did not; where that offset
 * recorded its filter by hash only (a long filter), every selected collection, as the added ones cannot be told. An
 * offset that records no scope (written by an older version) is not checked. A COPY_EXISTING copy that is still
 * running copies the added collections sorted after the one it is copying anyway, so only those before it count.
 * An added collection that is empty now needs nothing: every document it will hold is inserted after the offset,
 * so the stream brings it. Any other stops the start: this source cannot yet copy a collection while resuming, and
 * it never skips one silently. Stateless.
 */
final class AddedCollections {

    private static final Logger LOG = LoggerFactory.getLogger(AddedCollections.class);

    private AddedCollections() {}

    /**
     * Checks that resuming from {@code from} with {@code scope} loses no document.
     *
     * @param name how to name the source in messages
     * @throws FatalException if a collection the scope adds since the offset already holds documents
     */
    static void check(MongoClient client, Scope scope, MongoOffset from, String name) {
        String stamp = scope.stamp();
        if (from.scope() == null || from.scope().equals(stamp)) {
            return;
        }
        Scope before = Scope.ofStamp(from.scope());
        List<TableId> added = new ArrayList<>();
        for (TableId table : Copier.collections(client, scope)) {
            boolean copiedAnyway = from.kind() == MongoOffset.Kind.COPY
                    && table.toString().compareTo(from.namespace()) >= 0;
            if ((before == null || !before.captures(table)) && !copiedAnyway && !isEmpty(client, table)) {
                added.add(table);
            }
        }
        if (added.isEmpty()) {
            LOG.info("{}: the selection changed since the stored offset ({} before, {} now); it adds no collection "
                    + "that holds documents", name, describe(before, from.scope()), scope);
            return;
        }
        throw new FatalException(name + ": the selection changed since the stored offset ("
                + describe(before, from.scope()) + " before, " + scope + " now), and it adds " + added.size()
                + " collection(s) that already hold documents: " + added + ". The change stream brings only their "
                + "changes after the offset, never the documents they hold, and this source cannot copy them while "
                + "resuming. Fix: stop the pipeline, delete its stored offset and start it with "
                + "StartupMode.COPY_EXISTING (everything is copied again; the copy is idempotent by key); or go back "
                + "to the previous selection.");
    }

    private static boolean isEmpty(MongoClient client, TableId table) {
        return Copier.forCopy(client.getDatabase(table.namespace()).getCollection(table.name(), BsonDocument.class))
                .find().limit(1).first() == null;
    }

    private static String describe(Scope before, String stamp) {
        return before != null ? before.toString() : "a filter recorded by its hash only (" + stamp + ")";
    }
}

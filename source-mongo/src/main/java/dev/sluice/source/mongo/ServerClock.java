package dev.sluice.source.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.sluice.FatalException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Asks the server what time it is, in cluster time. A replica set member reports its {@code operationTime} in
 * every reply; a server that does not (mongo-java-server) is asked for the newest entry of {@code local.oplog.rs},
 * and, when that is empty, for its clock.
 */
final class ServerClock {

    private ServerClock() {}

    /** A cluster time at or after every change the server had applied when this returned. */
    static BsonTimestamp now(MongoClient client) {
        BsonTimestamp operationTime = operationTime(client);
        if (operationTime != null) {
            return ResumeTokens.next(operationTime);
        }
        BsonTimestamp newest = newestOplogEntry(client, "");
        if (newest != null) {
            return ResumeTokens.next(newest);
        }
        BsonDocument hello = hello(client);
        if (hello.isDateTime("localTime")) {
            return new BsonTimestamp((int) (hello.getDateTime("localTime").getValue() / 1000), 0);
        }
        throw new FatalException("cannot learn the server's cluster time: it reports no operationTime, no oplog in"
                + " local.oplog.rs and no localTime. Change streams need a replica set or a sharded cluster;"
                + " connect to one.");
    }

    /**
     * A cluster time at or before the majority commit point now: every change up to it is majority-committed, so a
     * read with read concern {@code majority} that starts later sees it. The primary's {@code hello} reports it
     * ({@code lastWrite.majorityOpTime}); a server without replication (mongo-java-server, which rolls nothing back)
     * does not, and its {@link #now} is used.
     */
    static BsonTimestamp majorityCommitted(MongoClient client) {
        BsonTimestamp majority = majorityOpTime(hello(client));
        // a set that has majority-committed nothing yet reports Timestamp(0, 0), which no oplog holds
        return majority != null && majority.getTime() > 0 ? majority : now(client);
    }

    /** {@code lastWrite.majorityOpTime.ts} of a {@code hello} reply, or null if it has none. */
    static BsonTimestamp majorityOpTime(BsonDocument hello) {
        BsonValue lastWrite = hello.get("lastWrite");
        if (lastWrite == null || !lastWrite.isDocument()) {
            return null;
        }
        BsonValue opTime = lastWrite.asDocument().get("majorityOpTime");
        if (opTime == null || !opTime.isDocument() || !opTime.asDocument().isTimestamp("ts")) {
            return null;
        }
        return opTime.asDocument().getTimestamp("ts");
    }

    /**
     * The cluster time of the newest change in {@code scope} (or, on a replica set, of the newest operation at
     * all, which a stream's post-batch resume token reaches), or null if the server has no change in scope.
     */
    static BsonTimestamp newest(MongoClient client, Scope scope) {
        BsonTimestamp operationTime = operationTime(client);
        return operationTime != null ? operationTime : newestOplogEntry(client, scope.namespacePattern());
    }

    private static BsonTimestamp operationTime(MongoClient client) {
        BsonDocument reply = client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)),
                BsonDocument.class);
        BsonValue time = reply.get("operationTime");
        if (time != null && time.isTimestamp()) {
            return time.asTimestamp();
        }
        BsonValue gossip = reply.get("$clusterTime");
        if (gossip != null && gossip.isDocument() && gossip.asDocument().isTimestamp("clusterTime")) {
            return gossip.asDocument().getTimestamp("clusterTime");
        }
        return null;
    }

    private static BsonTimestamp newestOplogEntry(MongoClient client, String namespacePattern) {
        BsonDocument filter = namespacePattern.isEmpty() ? new BsonDocument()
                : new BsonDocument("ns", new BsonRegularExpression(namespacePattern));
        try {
            BsonDocument entry = client.getDatabase("local").getCollection("oplog.rs", BsonDocument.class)
                    .find(filter).sort(new BsonDocument("ts", new BsonInt32(-1))).limit(1).first();
            return entry != null && entry.isTimestamp("ts") ? entry.getTimestamp("ts") : null;
        } catch (MongoException e) {
            throw new FatalException("cannot learn the server's newest cluster time: it reports no operationTime"
                    + " and local.oplog.rs cannot be read (" + e.getMessage() + "). Connect to a replica set, or"
                    + " grant the user read on the local database.", e);
        }
    }

    private static BsonDocument hello(MongoClient client) {
        MongoDatabase admin = client.getDatabase("admin");
        try {
            return admin.runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class);
        } catch (MongoCommandException e) {
            // servers before 4.4.2 (and mongo-java-server) know only the legacy name
            return admin.runCommand(new BsonDocument("isMaster", new BsonInt32(1)), BsonDocument.class);
        }
    }
}

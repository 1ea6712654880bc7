package dev.sluice.source.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bson.BsonTimestamp;

/**
 * Captures changes from MongoDB with change streams: one collection, one database, or the whole deployment,
 * optionally after copying the documents already there.
 *
 * <pre>{@code
 * MongoSource source = MongoSource.builder()
 *         .connectionString("mongodb://sluice:secret@db1,db2,db3/?replicaSet=rs0")
 *         .database("shop")                         // omit for the whole deployment
 *         .exclude("shop.audit_*")
 *         .startupMode(StartupMode.COPY_EXISTING)
 *         .promote("total", Type.decimal(12, 2))
 *         .promote("created", Type.TIMESTAMP_TZ)
 *         .build();
 * }</pre>
 *
 * <h2>Rows</h2>
 * Every collection maps to the same schema: {@code _id} (the key: the id as canonical Extended JSON),
 * {@code document} (the whole document as relaxed Extended JSON), {@code update_description} (an update's
 * {@code updateDescription}), then the {@linkplain Builder#promote promoted} fields. The table is
 * {@code (database, collection)}.
 *
 * <h2>Offsets and failures</h2>
 * Offsets are resume tokens with their cluster time ({@code mongo:token:…}), a cluster time to start at
 * ({@code mongo:time:…}) or a snapshot's progress ({@code mongo:copy:…}). A token the oplog no longer holds is a
 * {@link dev.sluice.FatalException} whose fix is to copy again; errors the driver marks resumable are resumed
 * from the last token, then retried by the pipeline. An {@code invalidate} (the watched collection or database
 * was dropped or renamed) ends the stream: the pipeline commits and completes.
 *
 * <p>Immutable and thread-safe; holds no connection: each {@link #open} creates its own client. {@link #toString()}
 * masks the password.
 */
public final class MongoSource implements Source {

    private static final Pattern PASSWORD = Pattern.compile("(mongodb(?:\\+srv)?://[^:/@]*:)[^@]*@");

    private final ConnectionString connectionString;
    private final Scope scope;
    private final StartupMode startupMode;
    private final BsonTimestamp startAtOperationTime;
    private final FullDocument fullDocument;
    private final FullDocumentBeforeChange fullDocumentBeforeChange;
    private final MongoSchema schema;
    private final int batchSize;
    private final long maxPollBytes;
    private final Duration maxAwaitTime;

    private MongoSource(Builder b) {
        this.connectionString = b.connectionString;
        this.scope = new Scope(b.database, b.collection, b.filter);
        this.startupMode = b.startupMode;
        this.startAtOperationTime = b.startAtOperationTime;
        this.fullDocument = b.fullDocument;
        this.fullDocumentBeforeChange = b.fullDocumentBeforeChange;
        this.schema = new MongoSchema(b.promotions);
        this.batchSize = b.batchSize;
        this.maxPollBytes = b.maxPollBytes;
        this.maxAwaitTime = b.maxAwaitTime;
    }

    /**
     * A builder; {@link Builder#connectionString(String)} is required.
     *
     * @return a new builder holding the defaults: the whole deployment, {@link StartupMode#LATEST}, update events
     *     with the looked-up current document
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects and opens a stream: from {@code from} if given, else as the {@link StartupMode} says.
     *
     * @throws dev.sluice.FatalException if the offset's point is gone from the oplog, the server has no change
     *     streams, or the user lacks privileges
     * @throws dev.sluice.RetriableException if the server cannot be reached
     */
    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        MongoOffset offset = from == null ? null : checkOffset(from);
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(connectionString)
                .applicationName("sluice-" + context.pipelineName())
                .build());
        try {
            return new MongoChangeStream(this, client, offset, context);
        } catch (MongoException e) {
            client.close();
            throw Errors.classify(e, this + ": opening", offset);
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    private static MongoOffset checkOffset(Offset from) {
        if (from instanceof MongoOffset offset) {
            return offset;
        }
        throw new IllegalArgumentException("MongoSource cannot resume from " + from + ", an offset of another source");
    }

    /**
     * Reads an offset this source wrote: {@code mongo:token:…}, {@code mongo:time:…} or {@code mongo:copy:…}.
     *
     * @throws IllegalArgumentException if the text is not such an offset
     */
    @Override
    public Offset decodeOffset(String encoded) {
        return MongoOffset.decode(encoded);
    }

    Scope scope() {
        return scope;
    }

    MongoSchema schema() {
        return schema;
    }

    StartupMode startupMode() {
        return startupMode;
    }

    BsonTimestamp startAtOperationTime() {
        return startAtOperationTime;
    }

    FullDocument fullDocument() {
        return fullDocument;
    }

    FullDocumentBeforeChange fullDocumentBeforeChange() {
        return fullDocumentBeforeChange;
    }

    int batchSize() {
        return batchSize;
    }

    long maxPollBytes() {
        return maxPollBytes;
    }

    Duration maxAwaitTime() {
        return maxAwaitTime;
    }

    static String mask(String connectionString) {
        return PASSWORD.matcher(connectionString).replaceFirst("$1****@");
    }

    @Override
    public String toString() {
        return "MongoSource[" + mask(connectionString.getConnectionString()) + ", " + scope + ", " + startupMode
                + (startAtOperationTime == null ? "" : " at " + startAtOperationTime) + "]";
    }

    /** Collects a {@link MongoSource}'s configuration; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private ConnectionString connectionString;
        private String database;
        private String collection;
        private TableFilter filter = TableFilter.all();
        private final List<String> includes = new ArrayList<>();
        private StartupMode startupMode = StartupMode.LATEST;
        private BsonTimestamp startAtOperationTime;
        private FullDocument fullDocument = FullDocument.UPDATE_LOOKUP;
        private FullDocumentBeforeChange fullDocumentBeforeChange = FullDocumentBeforeChange.DEFAULT;
        private final List<Promotion> promotions = new ArrayList<>();
        private int batchSize = 1024;
        private long maxPollBytes = 16L << 20;
        private Duration maxAwaitTime = Duration.ofMillis(500);

        private Builder() {}

        /**
         * Required: a MongoDB connection string ({@code mongodb://} or {@code mongodb+srv://}) to a replica set or
         * sharded cluster. A database in its path is only the authentication database; use
         * {@link #database(String)} to choose what is watched. Its options (TLS, timeouts, read preference) are
         * the driver's settings for every client this source creates.
         *
         * @param connectionString the connection string, not null; its password is masked in messages and
         *     {@code toString()}
         * @return this builder
         * @throws IllegalArgumentException if the driver cannot parse it (the message masks the password)
         */
        public Builder connectionString(String connectionString) {
            Objects.requireNonNull(connectionString, "connectionString");
            try {
                this.connectionString = new ConnectionString(connectionString);
            } catch (IllegalArgumentException e) {
                // the driver's message may quote the string, password included
                throw new IllegalArgumentException("not a MongoDB connection string: " + mask(connectionString)
                        + " (expected mongodb://[user:password@]host[:port][,host…][/?options])");
            }
            return this;
        }

        /**
         * Watches this database only (all its collections, or {@link #collection(String) one}); by default the
         * whole deployment.
         *
         * @param database the database's name, not null or empty, without {@code / \ . " $} or space
         * @return this builder
         * @throws IllegalArgumentException if the name is empty or has a character MongoDB forbids in database
         *     names
         */
        public Builder database(String database) {
            this.database = checkName(database, "database", "/\\. \"$");
            return this;
        }

        /**
         * Watches this collection only; needs {@link #database(String)}, which {@link #build()} checks.
         *
         * @param collection the collection's name, not null or empty, without {@code $}
         * @return this builder
         * @throws IllegalArgumentException if the name is empty or has a {@code $}
         */
        public Builder collection(String collection) {
            this.collection = checkName(collection, "collection", "$");
            return this;
        }

        /**
         * Captures only collections whose {@code db.collection} matches one of these globs ({@link TableFilter}:
         * {@code *} any run of characters, {@code ?} one, case-sensitive). Calls add up: a collection is captured
         * if it matches a pattern of any call and no {@link #exclude(String...) exclude}. By default every
         * collection in the watched scope.
         *
         * @param patterns globs on {@code db.collection}, none null or blank
         * @return this builder
         * @throws IllegalArgumentException if a pattern is blank
         */
        public Builder include(String... patterns) {
            includes.addAll(List.of(patterns));
            TableFilter with = TableFilter.include(includes);
            for (String exclude : filter.excludes()) {
                with = with.exclude(exclude);
            }
            filter = with;
            return this;
        }

        /**
         * Leaves out collections whose {@code db.collection} matches one of these globs, whatever the includes say.
         * Calls add up.
         *
         * @param patterns globs on {@code db.collection}, none null or blank
         * @return this builder
         * @throws IllegalArgumentException if a pattern is blank
         */
        public Builder exclude(String... patterns) {
            filter = filter.exclude(patterns);
            return this;
        }

        /**
         * Where to start without a stored offset; default {@link StartupMode#LATEST}. A stored offset always wins.
         *
         * @param mode the mode, not null; {@link StartupMode#TIMESTAMP} needs
         *     {@link #startAtOperationTime(BsonTimestamp) startAtOperationTime}, which {@link #build()} checks
         * @return this builder
         */
        public Builder startupMode(StartupMode mode) {
            this.startupMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The cluster time a {@link StartupMode#TIMESTAMP} start begins at (inclusive); the oplog must still hold
         * it. {@link #build()} refuses it with any other startup mode.
         *
         * @param clusterTime the cluster time, e.g. the {@code ts} of an oplog entry; not null, seconds not zero
         * @return this builder
         * @throws IllegalArgumentException if its seconds are zero
         */
        public Builder startAtOperationTime(BsonTimestamp clusterTime) {
            Objects.requireNonNull(clusterTime, "clusterTime");
            if (clusterTime.getTime() == 0) {
                throw new IllegalArgumentException("cluster time " + clusterTime + " has no seconds: give the"
                        + " Timestamp of an oplog entry, or startAtOperationTime(Instant)");
            }
            this.startAtOperationTime = clusterTime;
            return this;
        }

        /**
         * The {@link StartupMode#TIMESTAMP} start as a wall-clock instant, to the second (rounded down): every
         * change of that second and later is streamed.
         *
         * @param instant the start, not null, from 1970-01-01T00:00:01Z to 2106-02-07T06:28:15Z (the range of a
         *     cluster time's seconds)
         * @return this builder
         * @throws IllegalArgumentException if the instant is out of that range
         */
        public Builder startAtOperationTime(Instant instant) {
            Objects.requireNonNull(instant, "instant");
            long seconds = instant.getEpochSecond();
            if (seconds <= 0 || seconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("start time " + instant + " is outside MongoDB's cluster time"
                        + " range (1970-01-01T00:00:01Z to 2106-02-07T06:28:15Z)");
            }
            return startAtOperationTime(new BsonTimestamp((int) seconds, 0));
        }

        /**
         * What update events carry as the new document; default {@link FullDocument#UPDATE_LOOKUP} (the current
         * document, looked up when the event is read). {@code WHEN_AVAILABLE}/{@code REQUIRED} use the post-images
         * of collections with {@code changeStreamPreAndPostImages} (MongoDB 6.0+); {@code DEFAULT} sends none, and
         * the {@code document} column of updates is then {@linkplain dev.sluice.ChangeEvent#isUnchanged unchanged}.
         *
         * @param fullDocument the driver's option, not null
         * @return this builder
         */
        public Builder fullDocument(FullDocument fullDocument) {
            this.fullDocument = Objects.requireNonNull(fullDocument, "fullDocument");
            return this;
        }

        /**
         * Whether updates and deletes carry the document before the change (MongoDB 6.0+, collections with
         * {@code changeStreamPreAndPostImages} enabled); default {@link FullDocumentBeforeChange#DEFAULT} (none).
         *
         * @param before the driver's option, not null
         * @return this builder
         */
        public Builder fullDocumentBeforeChange(FullDocumentBeforeChange before) {
            this.fullDocumentBeforeChange = Objects.requireNonNull(before, "fullDocumentBeforeChange");
            return this;
        }

        /**
         * Copies the top-level field {@code field} into a typed column of that name, after the fixed columns:
         * boolean, int32, int64 (also from int32), float64 (also from int32 and exact int64), string,
         * timestamp_tz (BSON dates), decimal (Decimal128, int32, int64; with a precision and scale, values that do
         * not fit exactly give null). A value of another type gives null; the document JSON still holds it.
         *
         * @param field a top-level field name, not null or empty, without {@code .}, not starting with {@code $},
         *     not one of the fixed columns ({@code _id}, {@code document}, {@code update_description}); also the
         *     column's name
         * @param type the column's type, not null: one of the kinds above
         * @return this builder
         * @throws IllegalArgumentException if the field name is not allowed, the type is of another kind, or the
         *     field is already promoted
         */
        public Builder promote(String field, Type type) {
            Promotion promotion = new Promotion(field, type);
            if (promotions.stream().anyMatch(p -> p.field().equals(field))) {
                throw new IllegalArgumentException("field '" + field + "' is promoted twice; promote it once");
            }
            promotions.add(promotion);
            return this;
        }

        /**
         * Documents per batch read from the server and per poll; default 1024. A poll also stops at
         * {@link #maxPollBytes(long)}.
         *
         * @param batchSize documents per batch, 1 to 100000
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batch size must be between 1 and 100000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The most estimated bytes of events one poll returns ({@code ChangeEvent.estimatedSize()}; default 16 MiB):
         * with documents of up to 16 MB, a poll bounded by count alone could hold gigabytes. A single larger
         * document is still returned, alone.
         *
         * @param maxPollBytes the bound in bytes, positive
         * @return this builder
         * @throws IllegalArgumentException if the bound is zero or negative
         */
        public Builder maxPollBytes(long maxPollBytes) {
            if (maxPollBytes < 1) {
                throw new IllegalArgumentException("maxPollBytes must be positive, was " + maxPollBytes);
            }
            this.maxPollBytes = maxPollBytes;
            return this;
        }

        /**
         * How long the server waits for changes before answering an idle stream; default 500 ms. Longer means
         * fewer round trips on an idle stream, and a poll that may block that long.
         *
         * @param maxAwaitTime the wait, not null, from 1 ms to 1 minute
         * @return this builder
         * @throws IllegalArgumentException if the wait is out of range
         */
        public Builder maxAwaitTime(Duration maxAwaitTime) {
            Objects.requireNonNull(maxAwaitTime, "maxAwaitTime");
            if (maxAwaitTime.toMillis() < 1 || maxAwaitTime.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("max await time must be between 1 ms and 1 minute, was "
                        + maxAwaitTime);
            }
            this.maxAwaitTime = maxAwaitTime;
            return this;
        }

        /**
         * The source.
         *
         * @return the source, not yet connected: each {@link MongoSource#open open} creates its own client
         * @throws IllegalStateException if the connection string is missing, a collection is given without its
         *     database, or the startup mode and start time disagree
         */
        public MongoSource build() {
            if (connectionString == null) {
                throw new IllegalStateException("connectionString(...) is required, e.g."
                        + " mongodb://user:password@host:27017/?replicaSet=rs0");
            }
            if (collection != null && database == null) {
                throw new IllegalStateException("collection '" + collection + "' needs its database: call"
                        + " database(...) too");
            }
            if (startupMode == StartupMode.TIMESTAMP && startAtOperationTime == null) {
                throw new IllegalStateException("StartupMode.TIMESTAMP needs startAtOperationTime(...)");
            }
            if (startupMode != StartupMode.TIMESTAMP && startAtOperationTime != null) {
                throw new IllegalStateException("startAtOperationTime(" + startAtOperationTime + ") is only used"
                        + " with StartupMode.TIMESTAMP, but the mode is " + startupMode + "; set startupMode(TIMESTAMP)");
            }
            return new MongoSource(this);
        }

        private static String checkName(String name, String what, String forbidden) {
            Objects.requireNonNull(name, what);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " name must not be empty");
            }
            for (char c : forbidden.toCharArray()) {
                if (name.indexOf(c) >= 0 || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException(what + " name '" + name + "' contains '" + c + "', which"
                            + " MongoDB does not allow in " + what + " names");
                }
            }
            return name;
        }
    }
}

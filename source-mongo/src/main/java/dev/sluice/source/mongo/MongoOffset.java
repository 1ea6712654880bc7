package dev.sluice.source.mongo;

import dev.sluice.Offset;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;

/**
 * A position of a {@link MongoSource}: one of three kinds.
 *
 * <ul>
 *   <li>{@code token}: just after the change event whose resume token and cluster time it holds (or a post-batch
 *       resume token); the stream resumes with {@code startAfter}. Text: {@code mongo:token:<t>.<i>:<token json>}.
 *   <li>{@code time}: nothing at or after cluster time {@code T} captured yet, everything before it done; the
 *       stream resumes with {@code startAtOperationTime(T)}. Text: {@code mongo:time:<t>.<i>}.
 *   <li>{@code copy}: a COPY_EXISTING snapshot is copying collection {@code ns}, in {@code _id} order, and will
 *       stream from {@code T} afterwards; collections sorted before {@code ns} are done, and so are the documents of
 *       {@code ns} up to and including {@code _id} {@code id}. Text: {@code mongo:copy:<t>.<i>:<ns>$<id>}, the id as
 *       canonical Extended JSON (every BSON type kept apart). MongoDB namespaces never contain {@code $}, so the first
 *       {@code $} ends the namespace and the id may hold any character. Texts without an id
 *       ({@code mongo:copy:<t>.<i>:<ns>}, written before ids were kept) copy {@code ns} from its start.
 * </ul>
 *
 * <p>Each kind may carry, after its time, {@code ;scope=<stamp>}: what the source selected ({@link Scope#stamp()})
 * when it wrote the offset, so that a restart with a wider selection can tell which collections it adds. Offsets
 * written before the scope was recorded have none, and are not checked. The stamp plays no part in {@link #covers}.
 *
 * <p>Immutable value.
 */
final class MongoOffset implements Offset {

    enum Kind { TOKEN, TIME, COPY }

    static final String PREFIX = "mongo:";
    /** Ends the namespace of a copy offset; MongoDB allows no {@code $} in database or collection names. */
    static final char ID_SEPARATOR = '$';
    /** Starts the scope field after an offset's time. */
    private static final String SCOPE = ";scope=";
    private static final JsonWriterSettings TOKEN_JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
            .build();

    private final Kind kind;
    private final BsonTimestamp time;
    private final BsonDocument token;
    private final String namespace;
    private final BsonValue lastId;
    /** The {@link Scope#stamp()} of the selection the offset was written with, or null (an older offset). */
    private final String scope;

    private MongoOffset(Kind kind, BsonTimestamp time, BsonDocument token, String namespace, BsonValue lastId,
            String scope) {
        this.kind = kind;
        this.time = Objects.requireNonNull(time, "time");
        this.token = token;
        this.namespace = namespace;
        this.lastId = lastId;
        if (scope != null && (scope.indexOf(':') >= 0 || scope.indexOf(';') >= 0)) {
            throw new IllegalArgumentException("a scope stamp holds no ':' or ';': " + scope);
        }
        this.scope = scope;
    }

    private MongoOffset(Kind kind, BsonTimestamp time, BsonDocument token, String namespace, BsonValue lastId) {
        this(kind, time, token, namespace, lastId, null);
    }

    /** This position, recorded as written by a source that selects {@code stamp} ({@link Scope#stamp()}). */
    MongoOffset scoped(String stamp) {
        return Objects.equals(stamp, scope) ? this : new MongoOffset(kind, time, token, namespace, lastId, stamp);
    }

    /** The {@link Scope#stamp()} of the selection this offset was written with, or null: not recorded. */
    String scope() {
        return scope;
    }

    /** Just after the event with this resume token, whose cluster time is {@code clusterTime}. */
    static MongoOffset token(BsonTimestamp clusterTime, BsonDocument token) {
        return new MongoOffset(Kind.TOKEN, clusterTime, Objects.requireNonNull(token, "token").clone(), null,
                null);
    }

    /** Everything before {@code startAt} captured, nothing at or after it. */
    static MongoOffset time(BsonTimestamp startAt) {
        return new MongoOffset(Kind.TIME, startAt, null, null, null);
    }

    /**
     * A snapshot copying {@code namespace} ({@code db.collection}) from its start, to stream from {@code startAt}
     * afterwards.
     */
    static MongoOffset copy(BsonTimestamp startAt, String namespace) {
        return copy(startAt, namespace, null);
    }

    /**
     * A snapshot copying {@code namespace} ({@code db.collection}) that has delivered its documents up to and
     * including {@code _id} {@code lastId} (null: none yet), to stream from {@code startAt} afterwards.
     *
     * @throws IllegalArgumentException if the namespace holds a {@code $}, which MongoDB never allows
     */
    static MongoOffset copy(BsonTimestamp startAt, String namespace, BsonValue lastId) {
        if (Objects.requireNonNull(namespace, "namespace").indexOf(ID_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("a MongoDB namespace has no '" + ID_SEPARATOR + "': " + namespace);
        }
        return new MongoOffset(Kind.COPY, startAt, null, namespace, lastId);
    }

    Kind kind() {
        return kind;
    }

    /** The event's cluster time (TOKEN) or the time streaming starts at (TIME, COPY). */
    BsonTimestamp time() {
        return time;
    }

    /** The resume token of a TOKEN offset, else null. Callers must not modify it. */
    BsonDocument token() {
        return token;
    }

    /** The collection being copied, for COPY offsets. */
    String namespace() {
        return namespace;
    }

    /** The {@code _id} of the last document of {@link #namespace()} copied, or null: none (or not a COPY offset). */
    BsonValue lastId() {
        return lastId;
    }

    @Override
    public String encode() {
        String t = Integer.toUnsignedString(time.getTime()) + "." + Integer.toUnsignedString(time.getInc())
                + (scope == null ? "" : SCOPE + scope);
        return switch (kind) {
            case TOKEN -> PREFIX + "token:" + t + ":" + token.toJson(TOKEN_JSON);
            case TIME -> PREFIX + "time:" + t;
            case COPY -> PREFIX + "copy:" + t + ":" + namespace + (lastId == null ? "" : ID_SEPARATOR
                    + BsonText.key(lastId));
        };
    }

    /**
     * Reads {@link #encode()}'s text.
     *
     * @throws IllegalArgumentException if it is not a MongoDB source offset
     */
    static MongoOffset decode(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(PREFIX)) {
            throw bad(text, "it does not start with '" + PREFIX + "'");
        }
        String rest = text.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw bad(text, "the kind is missing");
        }
        String kind = rest.substring(0, colon);
        String body = rest.substring(colon + 1);
        int sep = body.indexOf(':');
        String head = sep < 0 ? body : body.substring(0, sep);
        String scope = null;
        int field = head.indexOf(';');
        if (field >= 0) {
            if (!head.startsWith(SCOPE, field) || head.length() == field + SCOPE.length()) {
                throw bad(text, "'" + head.substring(field) + "' after the time is not " + SCOPE + "<stamp>");
            }
            scope = head.substring(field + SCOPE.length());
            head = head.substring(0, field);
        }
        BsonTimestamp time = parseTime(text, head);
        String tail = sep < 0 ? null : body.substring(sep + 1);
        MongoOffset offset = switch (kind) {
            case "time" -> {
                if (tail != null) {
                    throw bad(text, "a time offset has nothing after its time");
                }
                yield time(time);
            }
            case "copy" -> decodeCopy(text, time, tail);
            case "token" -> {
                if (tail == null) {
                    throw bad(text, "a token offset ends with the resume token");
                }
                try {
                    yield token(time, BsonDocument.parse(tail));
                } catch (JsonParseException e) {
                    throw bad(text, "its resume token is not a JSON document (" + e.getMessage() + ")");
                }
            }
            default -> throw bad(text, "unknown kind '" + kind + "' (expected token, time or copy)");
        };
        return offset.scoped(scope);
    }

    private static MongoOffset decodeCopy(String text, BsonTimestamp time, String tail) {
        int separator = tail == null ? -1 : tail.indexOf(ID_SEPARATOR);
        String namespace = separator < 0 ? tail : tail.substring(0, separator);
        if (namespace == null || namespace.indexOf('.') <= 0) {
            throw bad(text, "a copy offset ends with the collection's db.collection name");
        }
        if (separator < 0) {
            return copy(time, namespace); // a text written before copies kept their last _id
        }
        try {
            BsonDocument id = BsonDocument.parse("{\"_id\": " + tail.substring(separator + 1) + "}");
            if (id.size() != 1 || !id.containsKey("_id")) {
                throw new JsonParseException("more than one value");
            }
            return copy(time, namespace, id.get("_id"));
        } catch (JsonParseException e) {
            throw bad(text, "the _id after '" + ID_SEPARATOR + "' is not one Extended JSON value (" + e.getMessage()
                    + ")");
        }
    }

    private static BsonTimestamp parseTime(String text, String value) {
        int dot = value.indexOf('.');
        try {
            if (dot < 0) {
                throw new NumberFormatException(value);
            }
            return new BsonTimestamp(Integer.parseUnsignedInt(value.substring(0, dot)),
                    Integer.parseUnsignedInt(value.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw bad(text, "'" + value + "' is not a cluster time <seconds>.<increment>");
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a MongoDB source offset: " + why
                + "; expected mongo:token:<t>.<i>:<token>, mongo:time:<t>.<i> or"
                + " mongo:copy:<t>.<i>:<db.collection>[$<_id>], each with ;scope=<stamp> after the time where recorded");
    }

    /**
     * True if everything at or before {@code other} is at or before this. A snapshot offset covers only an
     * earlier point of the same snapshot; streaming offsets compare by cluster time. Two tokens of one cluster time
     * (a transaction) are ordered by their {@code _data} when both are in MongoDB's format, else only equal ones
     * cover each other.
     */
    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof MongoOffset o)) {
            throw new IllegalArgumentException("a MongoDB offset cannot be compared with " + other);
        }
        if (kind == Kind.COPY || o.kind == Kind.COPY) {
            return kind == Kind.COPY && o.kind == Kind.COPY && time.equals(o.time) && copiedAsFarAs(o)
                    || kind != Kind.COPY && time.compareTo(o.time) >= 0;
        }
        int cmp = time.compareTo(o.time);
        if (kind == Kind.TIME && o.kind == Kind.TIME) {
            return cmp >= 0;
        }
        if (kind == Kind.TIME) {
            return cmp > 0; // everything before my time is done, and the other event is before it
        }
        if (o.kind == Kind.TIME) {
            // everything before o.time is done if my event is at o.time - 1 tick or later
            return ResumeTokens.next(time).compareTo(o.time) >= 0;
        }
        if (cmp != 0) {
            return cmp > 0;
        }
        if (token.equals(o.token)) {
            return true;
        }
        String mine = ResumeTokens.data(token);
        String theirs = ResumeTokens.data(o.token);
        return ResumeTokens.isMongoFormat(mine) && ResumeTokens.isMongoFormat(theirs)
                && mine.compareToIgnoreCase(theirs) >= 0;
    }

    /** True if this copy has got at least as far as {@code o}, a copy of the same snapshot. */
    private boolean copiedAsFarAs(MongoOffset o) {
        int cmp = namespace.compareTo(o.namespace);
        if (cmp != 0) {
            return cmp > 0;
        }
        return o.lastId == null || lastId != null && BsonOrder.compare(lastId, o.lastId) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof MongoOffset other
                        && kind == other.kind
                        && time.equals(other.time)
                        && Objects.equals(token, other.token)
                        && Objects.equals(namespace, other.namespace)
                        && Objects.equals(lastId, other.lastId)
                        && Objects.equals(scope, other.scope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, time, token, namespace, lastId, scope);
    }

    @Override
    public String toString() {
        return encode();
    }
}

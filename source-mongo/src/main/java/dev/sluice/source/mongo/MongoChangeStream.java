package dev.sluice.source.mongo;

import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.SnapshotStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of a {@link MongoSource}: an optional COPY_EXISTING snapshot, then one change stream over the
 * source's scope. Threading as {@link ChangeStream} says: everything but {@link #committed} and {@link #close} runs
 * on the capture thread; {@code close} may come from another thread to abort a blocked poll.
 */
final class MongoChangeStream implements ChangeStream {

    private static final Logger log = LoggerFactory.getLogger(MongoChangeStream.class);

    private final MongoSource source;
    private final MongoClient client;
    private final EventMapper mapper;
    private final String name;
    /** The source's {@link Scope#stamp()}, recorded in every position. */
    private final String stamp;
    /** Where the stream has got to at the latest for catch-up purposes, before it has read anything. */
    private final MongoOffset start;
    private Copier copier;
    private BsonTimestamp streamStart;
    private BsonDocument resumeToken;
    private MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor;
    private volatile MongoOffset position;
    private volatile boolean finished;
    private volatile boolean closed;

    MongoChangeStream(MongoSource source, MongoClient client, MongoOffset from, PipelineContext context) {
        this.source = source;
        this.client = client;
        this.mapper = new EventMapper(source.scope(), source.schema());
        this.name = "MongoDB source of pipeline " + context.pipelineName() + " on " + source.scope();
        this.stamp = source.scope().stamp();
        if (from == null) {
            switch (source.startupMode()) {
                case LATEST -> streamStart = ServerClock.now(client);
                case TIMESTAMP -> streamStart = source.startAtOperationTime();
                case COPY_EXISTING -> {
                    // the stream's start is the majority commit point before the copy reads anything, and the copy
                    // reads majority-committed data from the primary: a change is in the copy, in the stream, or
                    // both; never in neither, and a rolled-back write in none
                    streamStart = ServerClock.majorityCommitted(client);
                    copier = new Copier(client, source.scope(), source.schema(), streamStart, null, null,
                            source.batchSize(), context.clock().instant());
                }
            }
            position = copier == null ? MongoOffset.time(streamStart).scoped(stamp) : null;
        } else {
            AddedCollections.check(client, source.scope(), from, name);
            // from here on the offsets record the current selection (the check passed, or could not be made)
            position = from.scoped(stamp);
            switch (from.kind()) {
                case TOKEN -> resumeToken = from.token();
                case TIME -> streamStart = from.time();
                case COPY -> {
                    streamStart = from.time();
                    copier = new Copier(client, source.scope(), source.schema(), streamStart, from.namespace(),
                            from.lastId(), source.batchSize(), context.clock().instant());
                }
            }
        }
        start = resumeToken != null ? position : MongoOffset.time(streamStart).scoped(stamp);
        log.info("{}: {}", name, copier != null ? "copying existing documents, then streaming from cluster time "
                + streamStart : "streaming from " + start.encode());
        if (copier == null) {
            openCursor();
        }
    }

    @Override
    public Offset head() {
        try {
            BsonTimestamp newest = ServerClock.newest(client, source.scope());
            if (newest == null) {
                return start;
            }
            MongoOffset end = MongoOffset.time(ResumeTokens.next(newest));
            return start.covers(end) ? start : end;
        } catch (MongoException e) {
            throw Errors.classify(e, name + ": finding the newest change", position);
        }
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        if (finished || closed) {
            return List.of();
        }
        try {
            return copier != null ? copy() : stream(timeout);
        } catch (MongoInterruptedException e) {
            throw new InterruptedException(name + ": interrupted while reading");
        } catch (MongoException e) {
            if (closed) {
                return List.of();
            }
            throw Errors.classify(e, name, position);
        } catch (IllegalStateException e) {
            if (closed) {
                return List.of(); // the driver refuses a closed client: close() came from another thread
            }
            throw e;
        }
    }

    private List<ChangeEvent> copy() {
        List<ChangeEvent> events = copier.next(source.batchSize(), source.maxPollBytes());
        if (!events.isEmpty()) {
            position = (MongoOffset) events.get(events.size() - 1).offset();
        }
        if (copier.isDone()) {
            copier.close();
            copier = null;
            position = MongoOffset.time(streamStart).scoped(stamp);
            log.info("{}: copy done, streaming from cluster time {}", name, streamStart);
            openCursor();
        }
        return events;
    }

    private List<ChangeEvent> stream(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChangeEvent> events = new ArrayList<>();
        long bytes = 0;
        boolean resumed = false;
        while (events.size() < source.batchSize() && bytes < source.maxPollBytes()) {
            ChangeStreamDocument<BsonDocument> change;
            try {
                change = cursor.tryNext();
            } catch (MongoException e) {
                if (resumed || closed || !Errors.isResumable(e)) {
                    throw e;
                }
                // the driver already tried once; try once more from our own last token before giving up
                log.warn("{}: change stream failed ({}), resuming from {}", name, e.getMessage(), position);
                resumed = true;
                closeCursor();
                openCursor();
                continue;
            }
            if (change == null) {
                advanceIdle();
                if (!events.isEmpty() || System.nanoTime() >= deadline) {
                    break;
                }
                continue;
            }
            EventMapper.Mapped mapped = mapper.map(change);
            resumeToken = change.getResumeToken();
            position = mapped.position();
            if (mapped.event() != null) {
                events.add(mapped.event());
                bytes += mapped.event().estimatedSize();
            }
            if (mapped.invalidated()) {
                log.info("{}: the change stream was invalidated (its collection or database was dropped or"
                        + " renamed); the stream ends at {}", name, position);
                finished = true;
                closeCursor();
                break;
            }
        }
        return events;
    }

    /** An idle stream still moves on: the server's post-batch resume token says how far it has looked. */
    private void advanceIdle() {
        BsonDocument token = cursor.getResumeToken();
        if (token == null || token.equals(resumeToken)) {
            return;
        }
        BsonTimestamp time = ResumeTokens.clusterTime(token);
        if (time == null) {
            return; // a token we cannot place in time is not worth committing
        }
        MongoOffset candidate = MongoOffset.token(time, token).scoped(stamp);
        if (position == null || candidate.covers(position) && !candidate.equals(position)) {
            position = candidate;
            resumeToken = token;
        }
    }

    private void openCursor() {
        ChangeStreamIterable<BsonDocument> iterable;
        Scope scope = source.scope();
        if (scope.isCollection()) {
            iterable = client.getDatabase(scope.database()).getCollection(scope.collection())
                    .watch(BsonDocument.class);
        } else if (scope.isDatabase()) {
            iterable = client.getDatabase(scope.database()).watch(BsonDocument.class);
        } else {
            iterable = client.watch(BsonDocument.class);
        }
        iterable.fullDocument(source.fullDocument())
                .fullDocumentBeforeChange(source.fullDocumentBeforeChange())
                .batchSize(source.batchSize())
                .maxAwaitTime(source.maxAwaitTime().toMillis(), TimeUnit.MILLISECONDS);
        if (resumeToken != null) {
            iterable.startAfter(resumeToken);
        } else {
            iterable.startAtOperationTime(streamStart);
        }
        try {
            cursor = iterable.cursor();
        } catch (MongoException e) {
            throw Errors.classify(e, name + ": opening the change stream", position);
        }
    }

    @Override
    public Offset position() {
        return position;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    /** MongoDB keeps its oplog whatever a reader has done: nothing to release. */
    @Override
    public void committed(Offset offset) {
        // the oplog is a capped collection the server trims by size and age, not by readers' progress
    }

    @Override
    public SnapshotStatus snapshotStatus() {
        Copier copying = copier;
        return copying == null ? null : copying.status();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (copier != null) {
            copier.close();
        }
        closeCursor();
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("{}: closing the client failed", name, e);
        }
    }

    private void closeCursor() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException e) {
                log.debug("{}: closing the change stream failed", name, e);
            }
            cursor = null;
        }
    }
}

package dev.sluice.source.mongo;

import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import dev.sluice.SluiceException;

/** Sorts the driver's failures into what a pipeline does about them. */
final class Errors {

    static final int CHANGE_STREAM_HISTORY_LOST = 286;
    static final int CHANGE_STREAM_FATAL_ERROR = 280;
    static final int CAPPED_POSITION_LOST = 136;
    static final int NO_MATCHING_DOCUMENT = 47;
    static final int UNAUTHORIZED = 13;
    static final int AUTHENTICATION_FAILED = 18;
    static final int BSON_OBJECT_TOO_LARGE = 10334;
    static final int REPLICA_SET_REQUIRED = 40573;

    private Errors() {}

    /** True if reopening the change stream from its last token may well succeed (the driver's own rule). */
    static boolean isResumable(MongoException e) {
        return e.hasErrorLabel("ResumableChangeStreamError")
                || e instanceof MongoSocketException
                || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException
                || e instanceof MongoCursorNotFoundException
                || e instanceof MongoTimeoutException;
    }

    /** The exception the pipeline sees for a driver failure while reading {@code what} at {@code position}. */
    static SluiceException classify(MongoException e, String what, MongoOffset position) {
        String at = position == null ? "" : " at " + position.encode();
        if (e instanceof MongoSecurityException) {
            return new FatalException(what + ": authentication failed (" + e.getMessage() + "). Fix the user or"
                    + " password in the connection string.", e);
        }
        switch (e.getCode()) {
            case CHANGE_STREAM_HISTORY_LOST, CHANGE_STREAM_FATAL_ERROR, CAPPED_POSITION_LOST:
                return new FatalException(what + ": the change stream cannot resume" + at + " because the server"
                        + " no longer has that point of its oplog (" + e.getMessage() + "). Changes after it are"
                        + " lost to streaming. Fix: re-copy — delete this pipeline's stored offset and start it with"
                        + " StartupMode.COPY_EXISTING; and make the oplog window longer than the pipeline's longest"
                        + " stop (replSetResizeOplog, oplogMinRetentionHours).", e);
            case NO_MATCHING_DOCUMENT:
                return new FatalException(what + ": a required pre- or post-image is missing" + at + " ("
                        + e.getMessage() + "). Enable changeStreamPreAndPostImages on the collection (collMod), or"
                        + " use FullDocumentBeforeChange.WHEN_AVAILABLE / FullDocument.UPDATE_LOOKUP.", e);
            case UNAUTHORIZED, AUTHENTICATION_FAILED:
                return new FatalException(what + ": not authorized (" + e.getMessage() + "). Grant the user the"
                        + " changeStream and find actions on what is watched (the read role does), and"
                        + " listDatabases/listCollections for COPY_EXISTING.", e);
            case BSON_OBJECT_TOO_LARGE:
                return new FatalException(what + ": a change event" + at + " is larger than 16 MB ("
                        + e.getMessage() + "). Turn off fullDocumentBeforeChange or fullDocument for that"
                        + " collection, or exclude it.", e);
            case REPLICA_SET_REQUIRED:
                return new FatalException(what + ": the server has no change streams (" + e.getMessage()
                        + "). Change streams need a replica set or a sharded cluster: run mongod with --replSet"
                        + " and rs.initiate(), even for a single node.", e);
            default:
                return new RetriableException(what + " failed" + at + ": " + e.getMessage()
                        + " (will retry from the last committed offset)", e);
        }
    }
}

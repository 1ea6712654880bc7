package dev.sluice.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

/** Server replies as MongoDB documents them, turned into the driver's exceptions, sorted into what to do. */
class ErrorsTest {

    private static final MongoOffset AT = MongoOffset.time(new BsonTimestamp(1705099971, 1));

    private static MongoCommandException reply(String json) {
        return new MongoCommandException(BsonDocument.parse(json), new ServerAddress("db1", 27017));
    }

    @Test
    void historyLostIsFatalAndNamesTheRecopy() {
        MongoCommandException lost = reply("{ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost',"
                + " errmsg: 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.'}");
        assertThat(Errors.isResumable(lost)).isFalse();
        assertThat(Errors.classify(lost, "source", AT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("at mongo:time:1705099971.1")
                .hasMessageContaining("StartupMode.COPY_EXISTING")
                .hasMessageContaining("oplog window");
        assertThat(Errors.classify(reply("{ok: 0, code: 280, codeName: 'ChangeStreamFatalError',"
                + " errmsg: 'cannot resume stream; the resume token was not found.'}"), "source", AT))
                .isInstanceOf(FatalException.class).hasMessageContaining("COPY_EXISTING");
    }

    @Test
    void resumableErrorsAreRetried() {
        MongoCommandException stepDown = reply("{ok: 0, code: 91, codeName: 'ShutdownInProgress',"
                + " errmsg: 'shutting down', errorLabels: ['ResumableChangeStreamError']}");
        assertThat(Errors.isResumable(stepDown)).isTrue();
        assertThat(Errors.classify(stepDown, "source", AT)).isInstanceOf(RetriableException.class);
        MongoException socket = new MongoSocketReadException("connection reset", new ServerAddress("db1", 27017));
        assertThat(Errors.isResumable(socket)).isTrue();
        assertThat(Errors.classify(socket, "source", null)).isInstanceOf(RetriableException.class);
    }

    @Test
    void configurationProblemsAreFatalWithTheirFix() {
        assertThat(Errors.classify(reply("{ok: 0, code: 40573, codeName: 'Location40573',"
                + " errmsg: 'The $changeStream stage is only supported on replica sets'}"), "source", null))
                .isInstanceOf(FatalException.class).hasMessageContaining("rs.initiate()");
        assertThat(Errors.classify(reply("{ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized'}"),
                "source", null)).isInstanceOf(FatalException.class).hasMessageContaining("changeStream and find");
        assertThat(Errors.classify(reply("{ok: 0, code: 47, codeName: 'NoMatchingDocument',"
                + " errmsg: 'Change stream was configured to require a pre-image'}"), "source", AT))
                .isInstanceOf(FatalException.class).hasMessageContaining("changeStreamPreAndPostImages");
    }
}

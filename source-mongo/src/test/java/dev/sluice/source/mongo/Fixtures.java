package dev.sluice.source.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;

/**
 * Change events written by hand from MongoDB's documented event format (src/test/resources/events), decoded by
 * the driver's own codec exactly as a change stream cursor decodes them.
 */
final class Fixtures {

    private static final Codec<ChangeStreamDocument<BsonDocument>> CODEC =
            ChangeStreamDocument.createCodec(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry());

    private Fixtures() {}

    static BsonDocument raw(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ChangeStreamDocument<BsonDocument> event(String name) {
        return decode(raw(name));
    }

    static ChangeStreamDocument<BsonDocument> decode(BsonDocument raw) {
        return CODEC.decode(new BsonDocumentReader(raw), DecoderContext.builder().build());
    }
}

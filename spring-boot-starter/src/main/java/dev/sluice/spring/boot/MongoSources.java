package dev.sluice.spring.boot;

import dev.sluice.capture.Capture;
import dev.sluice.source.mongo.MongoSource;
import dev.sluice.source.mongo.StartupMode;

/** The MongoDB source from its properties; loaded only when a pipeline has {@code type: mongo}. */
final class MongoSources {

    private MongoSources() {}

    static MongoSource build(String at, SourceProperties p) {
        String credentials = "MongoDB takes its credentials in the connection string (mongodb://user:password@host/…)";
        Props.refuse(p.user(), at + ".user", credentials);
        Props.refuse(p.password(), at + ".password", credentials);
        if (p.capture() != null && p.capture() != Capture.LOG) {
            throw new IllegalArgumentException(at + ".capture: MongoDB is captured from change streams only (log),"
                    + " not " + p.capture());
        }
        String notMongo = "it is a PostgreSQL/MySQL option";
        Props.refuse(p.snapshotChunkSize(), at + ".snapshot-chunk-size", notMongo);
        Props.refuse(p.snapshotParallelism(), at + ".snapshot-parallelism", notMongo);
        Props.refuse(p.schemaChanges(), at + ".schema-changes", notMongo);
        Props.refuse(p.timestampColumn(), at + ".timestamp-column", notMongo);
        Props.refuse(p.softDeleteColumn(), at + ".soft-delete-column", notMongo);
        Props.refuse(p.slotName(), at + ".slot-name", notMongo);
        Props.refuse(p.publicationName(), at + ".publication-name", notMongo);
        Props.refuse(p.serverId(), at + ".server-id", notMongo);
        MongoSource.Builder builder = MongoSource.builder()
                .connectionString(Props.require(p.url(), at + ".url", "(mongodb://host/?replicaSet=rs0)"));
        if (p.snapshotMode() != null) {
            builder.startupMode(switch (p.snapshotMode()) {
                case INITIAL -> StartupMode.COPY_EXISTING;
                case NEVER -> StartupMode.LATEST;
                default -> throw new IllegalArgumentException(at + ".snapshot-mode: MongoDB takes initial (copy the"
                        + " existing documents, then stream) or never (stream from now), not " + p.snapshotMode());
            });
        }
        if (p.tables() != null && !p.tables().isEmpty()) {
            builder.include(Props.patterns(p.tables()));
        }
        if (p.exclude() != null && !p.exclude().isEmpty()) {
            builder.exclude(Props.patterns(p.exclude()));
        }
        return builder.build();
    }
}

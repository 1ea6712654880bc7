package dev.sluice.source.mongo;

/**
 * Where a {@link MongoSource} starts when the pipeline has no stored offset, named as in the MongoDB Kafka
 * connector. With a stored offset the source always resumes from it, whatever the mode.
 */
public enum StartupMode {
    /** Stream the changes made from now on; documents already there are not read. The default. */
    LATEST,
    /**
     * Read every document of the captured collections (as {@code READ} events), then stream from the cluster time
     * taken before the copy started. Changes made during the copy may show up twice, in the copy and in the stream;
     * applied in order and by key they rebuild exactly the collections' state.
     */
    COPY_EXISTING,
    /** Stream from a given cluster time ({@link MongoSource.Builder#startAtOperationTime}), which the oplog must still hold. */
    TIMESTAMP
}

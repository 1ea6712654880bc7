package dev.sluice.sink.s3;

import dev.sluice.FatalException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's commit records in its object store, and the two moves of the commit protocol:
 * {@link #commit(CommitRecord)} (write the record, then promote its staged files to their final keys) and
 * {@link #recover()} (finish the promotion of the latest record, then drop every staged file no record names).
 * Keeps the newest {@code retained} records. Thread-safe as the store is; one pipeline uses it at a time.
 */
final class CommitLog {

    private static final Logger log = LoggerFactory.getLogger(CommitLog.class);

    private final ObjectStore store;
    private final String pipeline;
    private final int retained;

    CommitLog(ObjectStore store, String pipeline, int retained) {
        this.store = store;
        this.pipeline = pipeline;
        this.retained = retained;
    }

    /**
     * The newest commit record, or empty if the pipeline never committed.
     *
     * @throws FatalException if the newest record cannot be read (it was changed by something else)
     */
    Optional<CommitRecord> latest() {
        List<String> keys = records();
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String key = keys.get(keys.size() - 1);
        byte[] bytes = store.get(key).orElseThrow(() -> new dev.sluice.RetriableException(
                "the commit record " + key + " was listed but could not be read in " + store));
        try {
            CommitRecord record = CommitRecord.fromJson(bytes);
            if (!record.pipeline().equals(pipeline)) {
                throw new IllegalArgumentException("it belongs to pipeline '" + record.pipeline() + "'");
            }
            return Optional.of(record);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new FatalException("the commit record " + key + " in " + store + " is damaged (" + e.getMessage()
                    + "), so the sink cannot know what was committed. Fix: restore it from a backup, or delete the"
                    + " folder " + Keys.pipelineFolder(pipeline) + " and the pipeline's data files to start over.",
                    e);
        }
    }

    /**
     * Brings the store back to the state of the latest record, before writing resumes: files that record made
     * visible are promoted if a crash interrupted that, and everything else still staged is deleted.
     *
     * @return the latest record, or empty if there is none
     */
    Optional<CommitRecord> recover() {
        Optional<CommitRecord> latest = latest();
        latest.ifPresent(this::rollForward);
        List<String> staged = store.list(Keys.stagingFolder(pipeline));
        for (String key : staged) {
            store.delete(key);
        }
        if (!staged.isEmpty()) {
            log.info("pipeline {}: discarded {} file(s) staged after commit {} in {}: they were never committed and"
                    + " their changes are captured again", pipeline, staged.size(),
                    latest.map(CommitRecord::number).orElse(0L), store);
        }
        for (String key : store.list(Keys.commitsFolder(pipeline))) {
            if (!key.endsWith(".json")) {
                store.delete(key); // a temporary file of a record write cut short
            } else if (latest.isPresent() && number(key) <= latest.get().number() - retained) {
                store.delete(key);
            }
        }
        return latest;
    }

    /** Writes the record (the commit point), then makes its files visible under their final keys. */
    void commit(CommitRecord record) {
        store.put(Keys.commitRecord(pipeline, record.number()), record.toJson());
        promote(record);
        long old = record.number() - retained;
        if (old > 0) {
            store.delete(Keys.commitRecord(pipeline, old));
        }
    }

    private void promote(CommitRecord record) {
        for (CommitRecord.DataFile file : record.files()) {
            store.promote(file.staging(), file.path());
        }
    }

    /** After a crash: finishes the moves of the newest record, which a crash may have cut short. */
    private void rollForward(CommitRecord record) {
        List<String> staged = store.list(Keys.stagingFolder(pipeline));
        int finished = 0;
        for (CommitRecord.DataFile file : record.files()) {
            if (staged.contains(file.staging())) {
                finished++;
            }
            store.promote(file.staging(), file.path());
        }
        if (finished > 0) {
            log.info("pipeline {}: finished making {} file(s) of commit {} visible in {}, which a crash had"
                    + " interrupted", pipeline, finished, record.number(), store);
        }
    }

    private List<String> records() {
        return store.list(Keys.commitsFolder(pipeline)).stream().filter(k -> k.endsWith(".json")).toList();
    }

    private static long number(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1, key.length() - ".json".length());
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not ours: leave it
        }
    }
}

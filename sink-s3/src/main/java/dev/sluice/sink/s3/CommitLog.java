package dev.sluice.sink.s3;

import dev.sluice.FatalException;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import java.time.DateTimeException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's commit records in its object store, and the moves of the commit protocol:
 * {@link #commit(CommitRecord)} (create the record, then promote its staged files to their final keys) and, when a
 * writer opens, {@link #finish(CommitRecord)} (the promotion of the latest record), {@link #claim(CommitRecord)} (the
 * next number, which fences any earlier writer) and {@link #cleanUp(CommitRecord)} (drop what no record names).
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
        byte[] bytes = store.get(key).orElseThrow(() -> new RetriableException(
                "the commit record " + key + " was listed but could not be read in " + store));
        try {
            CommitRecord record = CommitRecord.fromJson(bytes);
            if (!record.pipeline().equals(pipeline)) {
                throw new IllegalArgumentException("it belongs to pipeline '" + record.pipeline() + "'");
            }
            return Optional.of(record);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new FatalException("the commit record " + key + " in " + store + " is damaged (" + e.getMessage()
                    + "), so the sink cannot know what was committed. Fix: restore it from a backup, or delete the"
                    + " folder " + Keys.pipelineFolder(pipeline) + " and the pipeline's data files to start over.",
                    e);
        }
    }

    /**
     * Finishes the promotion of the record's files that are still staged, which a crash may have cut short. A file
     * no longer staged was promoted (a promotion deletes the staged copy only after the copy): it is not looked
     * for, so that a committed file later compacted or expired downstream never blocks a restart.
     */
    void finish(CommitRecord record) {
        List<String> staged = store.list(Keys.stagingFolder(pipeline));
        int finished = 0;
        for (CommitRecord.DataFile file : record.files()) {
            if (staged.contains(file.staging())) {
                store.promote(file.staging(), file.path(), file.bytes());
                finished++;
            }
        }
        if (finished > 0) {
            log.info("pipeline {}: finished making {} file(s) of commit {} visible in {}, which a crash had"
                    + " interrupted", pipeline, finished, record.number(), store);
        }
    }

    /**
     * Writes the record, which names no files, as this writer's claim on the next commit number: a writer that was
     * running stops at its next commit, since that number is taken.
     *
     * @throws FatalException if another writer took the number first
     */
    void claim(CommitRecord record) {
        if (!store.create(Keys.commitRecord(pipeline, record.number()), record.toJson())) {
            throw alreadyRunning(record.number());
        }
    }

    /**
     * After this writer's claim, when no other writer can commit any more: deletes every staged file (none is named
     * by a record that is not finished), temporary files of record writes, and records beyond the retained ones.
     */
    void cleanUp(CommitRecord claim) {
        List<String> staged = store.list(Keys.stagingFolder(pipeline));
        for (String key : staged) {
            store.delete(key);
        }
        if (!staged.isEmpty()) {
            log.info("pipeline {}: discarded {} file(s) staged after commit {} in {}: they were never committed and"
                    + " their changes are captured again", pipeline, staged.size(), claim.number() - 1, store);
        }
        for (String key : store.list(Keys.commitsFolder(pipeline))) {
            if (!key.endsWith(".json")) {
                store.delete(key); // a temporary file of a record write cut short
            } else if (number(key) <= claim.number() - retained) {
                store.delete(key);
            }
        }
    }

    /**
     * Writes the record (the commit point; only if no record of its number exists), then makes its files visible
     * under their final keys.
     *
     * @throws FatalException if another writer wrote a record of that number: this one is no longer the writer
     */
    void commit(CommitRecord record) {
        if (!store.create(Keys.commitRecord(pipeline, record.number()), record.toJson())) {
            throw alreadyRunning(record.number());
        }
        for (CommitRecord.DataFile file : record.files()) {
            store.promote(file.staging(), file.path(), file.bytes());
        }
        long old = record.number() - retained;
        if (old > 0) {
            store.delete(Keys.commitRecord(pipeline, old));
        }
    }

    private FatalException alreadyRunning(long number) {
        String key = Keys.commitRecord(pipeline, number);
        String by = store.get(key).map(bytes -> {
            try {
                String writer = CommitRecord.fromJson(bytes).writer();
                return writer == null ? "another writer" : "writer " + writer;
            } catch (IllegalArgumentException | DateTimeException e) {
                return "another writer";
            }
        }).orElse("another writer");
        return new PipelineAlreadyRunningException("pipeline " + pipeline + " is already running (" + by + " wrote the commit record "
                + key + " in " + store + ", which this process was about to write). Nothing of this process was"
                + " committed, and nothing committed was touched. Fix: run one process per pipeline name and sink"
                + " location: stop the other process first (a rolling deployment must stop the old instance before"
                + " starting the new one), or give this pipeline another name.");
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

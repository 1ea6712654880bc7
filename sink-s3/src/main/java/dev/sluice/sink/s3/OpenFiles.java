package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.RetriableException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.schema.MessageType;

/**
 * The files a sink has open (one per table and partition, each of one schema) and the files it has finished and
 * staged since the last commit. Rotates a file when it reaches its row, byte or age limit, when its table's schema
 * changes, or when the open files together buffer more than the memory budget. Not thread-safe: the sink's thread.
 */
final class OpenFiles {

    private record FileKey(TableId table, String partition) {}

    private final FileSettings settings;
    private final ObjectStore store;
    private final String pipeline;
    private final long epoch;
    private final Path spoolFolder;
    private final Clock clock;
    private final Map<FileKey, TableFile> open = new LinkedHashMap<>();
    private final Map<TableId, Schema> schemas = new HashMap<>();
    private final Map<Schema, MessageType> messageTypes = new HashMap<>();
    private final List<CommitRecord.DataFile> staged = new ArrayList<>();
    /** The file the last event went to (while it is open), and its partition bucket. */
    private TableFile lastFile;
    private long lastBucket;
    private int sinceMemoryCheck;
    /** The estimated heap of the events written since the budget was last checked. */
    private long bytesSinceMemoryCheck;
    private boolean overBudget;

    OpenFiles(FileSettings settings, ObjectStore store, String pipeline, long epoch, Path spoolFolder, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.pipeline = pipeline;
        this.epoch = epoch;
        this.spoolFolder = spoolFolder;
        this.clock = clock;
    }

    void write(ChangeEvent event, long seq, long nowMillis) throws IOException {
        TableFile file = lastFile;
        long bucket = settings.partitioning().bucket(event);
        // consecutive events mostly go to the same file: skip the schema check and the map lookup for them
        if (file == null || bucket == Partitioning.NO_BUCKET || bucket != lastBucket || file.schema() != event.schema()
                || !file.table().equals(event.table())) {
            file = fileFor(event, nowMillis);
            lastFile = file;
            lastBucket = bucket;
        }
        file.write(event, seq);
        if (file.rows() >= settings.maxFileRows()
                || file.reachedBytes(settings.maxFileBytes())
                || settings.maxFileAge() != null && nowMillis - file.openedMillis() >= settings.maxFileAge().toMillis()) {
            open.remove(new FileKey(file.table(), file.partition()));
            publish(file);
        }
        // checked by count for small events (the check sums every column's buffers) and by bytes for large ones,
        // so that a run of MB-sized values cannot pile up between two checks
        bytesSinceMemoryCheck += event.estimatedSize();
        if (++sinceMemoryCheck >= 64 || bytesSinceMemoryCheck >= settings.memoryBudget() / 16) {
            enforceBudget();
        }
    }

    /** The open file of the event's table, partition and schema; publishes the table's files if its schema changed. */
    private TableFile fileFor(ChangeEvent event, long nowMillis) throws IOException {
        TableId table = event.table();
        Schema schema = event.schema();
        Schema current = schemas.get(table);
        if (current != schema && (current == null || !current.equals(schema))) {
            if (current != null) {
                publishTable(table); // one schema per file
            }
            schemas.put(table, schema);
        }
        FileKey key = new FileKey(table, settings.partitioning().path(event));
        TableFile file = open.get(key);
        if (file == null) {
            MessageType type = messageTypes.computeIfAbsent(schema,
                    s -> ParquetSchemas.messageType(table, s, settings.includeBefore(),
                            settings.partitioning().names()));
            file = new TableFile(table, schema, key.partition(), type,
                    spoolFolder.resolve(UUID.randomUUID() + ".parquet.spool"), settings, nowMillis);
            open.put(key, file);
        }
        return file;
    }

    /**
     * Closes the largest open files while the open files together buffer more than the budget: memory stays
     * bounded whatever the engine's commit interval.
     */
    void enforceBudget() throws IOException {
        sinceMemoryCheck = 0;
        bytesSinceMemoryCheck = 0;
        while (bufferedBytes() > settings.memoryBudget() && !open.isEmpty()) {
            overBudget = true;
            Map.Entry<FileKey, TableFile> largest = null;
            for (Map.Entry<FileKey, TableFile> entry : open.entrySet()) {
                if (largest == null || entry.getValue().bufferedBytes() > largest.getValue().bufferedBytes()) {
                    largest = entry;
                }
            }
            open.remove(largest.getKey());
            publish(largest.getValue());
        }
    }

    /** True once the budget forced a file closed since the last {@link #publishAll()}: time to commit. */
    boolean overBudget() {
        return overBudget;
    }

    long bufferedBytes() {
        long total = 0;
        for (TableFile file : open.values()) {
            total += file.bufferedBytes();
        }
        return total;
    }

    /** Finishes and stages every open file. */
    void publishAll() throws IOException {
        Iterator<TableFile> files = open.values().iterator();
        while (files.hasNext()) {
            TableFile file = files.next();
            files.remove();
            publish(file);
        }
        overBudget = false;
    }

    private void publishTable(TableId table) throws IOException {
        Iterator<Map.Entry<FileKey, TableFile>> files = open.entrySet().iterator();
        while (files.hasNext()) {
            Map.Entry<FileKey, TableFile> entry = files.next();
            if (entry.getKey().table().equals(table)) {
                files.remove();
                publish(entry.getValue());
            }
        }
    }

    private void publish(TableFile file) throws IOException {
        if (file == lastFile) {
            lastFile = null;
        }
        boolean done = false;
        try {
            long bytes = file.finish();
            String staging = Keys.stagingFolder(pipeline, epoch) + UUID.randomUUID() + ".parquet.pending";
            store.upload(file.spoolPath(), staging);
            staged.add(new CommitRecord.DataFile(
                    Keys.dataFile(file.table(), file.partition(), file.firstSeq(), pipeline, epoch), staging,
                    file.table().toString(), file.rows(), bytes, file.firstSeq(), file.lastSeq()));
            done = true;
        } finally {
            if (!done) {
                file.abort();
            }
            Files.deleteIfExists(file.spoolPath());
        }
    }

    /** The files staged since the last commit, oldest first. */
    List<CommitRecord.DataFile> staged() {
        return List.copyOf(staged);
    }

    void clearStaged() {
        staged.clear();
    }

    /** Drops every open file; what was staged stays staged (a later open deletes it unless it was committed). */
    void abortAll() {
        for (TableFile file : open.values()) {
            file.abort();
        }
        open.clear();
        lastFile = null;
        staged.clear();
    }

    long now() {
        return clock.millis();
    }

    static RetriableException ioFailure(String what, IOException e) {
        return new RetriableException(what + ": " + e, e);
    }
}

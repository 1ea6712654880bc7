package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.FatalException;
import dev.sluice.PipelineContext;
import dev.sluice.OffsetStore;
import dev.sluice.RetriableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes change events as Parquet files to S3-compatible object storage or to a local folder, exactly once.
 *
 * <pre>{@code
 * ParquetSink sink = ParquetSink.builder()
 *         .s3("my-lake", "cdc/shop")                  // or .localFolder(Path.of("lake"))
 *         .region("eu-west-1")
 *         .partitionBy(Partitioning.DAY)
 *         .compression(Compression.ZSTD)
 *         .build();
 * Pipeline pipeline = Pipeline.builder().name("shop").source(source).sink(sink).build(); // offsets in the sink
 * }</pre>
 *
 * <h2>Layout</h2>
 * {@code <prefix>/<namespace>/<table>/<partition>/part-<first _seq>-<pipeline>-<writer epoch>.parquet}, one schema per
 * file, with the table's columns and the metadata columns {@code _op}, {@code _commit_ts}, {@code _position},
 * {@code _seq}, {@code _tx}, {@code _unchanged} (and {@code _before} if asked for). Partition folders
 * ({@code _date=…}) start with {@code _} like the metadata columns, so they never shadow a table column. An update
 * that changes the primary key is written as a delete of the old key, then the new row. The sink's own records live
 * under {@code <prefix>/_sluice/<pipeline>/}. {@code docs/sink-s3.md} has the type mapping and the rebuild recipe.
 *
 * <h2>One writer per pipeline</h2>
 * {@link #open(PipelineContext)} takes a writer fence (an OS file lock in a local folder, a renewed lease object on
 * S3) and claims the next commit number; commit records are only ever created, never replaced (a hard link; an S3
 * PUT with {@code If-None-Match: *}). A second process of the same pipeline and location stops at once with a
 * {@link FatalException} "pipeline … is already running", having changed nothing; a writer that lost its lease
 * stops at its next commit. Data, staging and spool names carry the writer epoch, so no file is written twice.
 *
 * <h2>Exactly once</h2>
 * Finished files are uploaded whole to a staging area ({@code _sluice/<pipeline>/staging/}, names ending in
 * {@code .parquet.pending}); {@link #flush()} finishes and stages every open file. {@link #commit(String, String)}
 * (called by a pipeline that keeps its offsets here, the default) writes a commit record naming the staged files,
 * the offset and the next {@code _seq}, then moves each staged file to its final key. {@link #open(PipelineContext)} finishes the
 * moves of the latest record if a crash cut them short (of the files still staged) and deletes every other staged
 * file, so that files only ever appear under their final keys after their commit, and a row never appears twice. If
 * the pipeline keeps its offsets in another store, {@code flush()} commits the files itself, at least once, with
 * records that hold no offset: {@link #committedOffset(String)} refuses to resume from them. The reverse switch is
 * refused too: a pipeline that committed offsets here and is opened with another store would capture again what
 * they covered, so {@code open} fails until the offset here is {@linkplain #deleteOffset(String) deleted}.
 *
 * <h2>Memory</h2>
 * Open files are written to a local spool file as their row groups fill, and uploaded whole when finished; the
 * row groups being filled are held in memory and, with the values parquet-java's statistics keep of each row group
 * until its file ends, together kept under {@link Builder#memoryBudget(long)} (by default a quarter of the heap): the
 * largest is closed early when they would exceed it, and {@link #wantsFlush()} asks the pipeline to commit.
 *
 * <h2>Threading and failures</h2>
 * The pipeline calls the sink from one thread; {@link #committedOffset(String)} and {@link #deleteOffset(String)}
 * are thread-safe (every method locks the sink). A transient storage failure
 * throws {@link RetriableException} (the pipeline reopens from its last commit); a permanent one (no such bucket,
 * access denied) throws {@link dev.sluice.FatalException} naming the fix.
 */
public final class ParquetSink implements ExactlyOnceSink {

    private final FileSettings files;
    private final S3Settings s3;
    private final Path localFolder;
    private final Path spoolBase;
    private final int retained;
    private final Duration lease;
    /** This sink's identity as a writer: reopening (the pipeline's recovery) passes its own lease. */
    private final String writer = Writers.newId();

    // guarded by this
    private ObjectStore store;
    private String pipeline;
    private Clock clock;
    private CommitLog log;
    private OpenFiles open;
    private Path spoolFolder;
    private WriterFence fence;
    private long epoch;
    private long nextSeq;
    private long flushedSeq;
    private long lastNumber;
    private boolean storeUsed;
    private boolean wantsFlush;

    private ParquetSink(Builder b) {
        this.files = new FileSettings(b.partitioning, b.compression, b.rowGroupSize, b.pageSize, b.maxFileRows,
                b.maxFileBytes, b.maxFileAge, b.memoryBudget, b.includeBefore);
        this.s3 = b.bucket == null ? null : new S3Settings(b.bucket, b.prefix, b.endpoint, b.region, b.pathStyle,
                b.accessKey, b.secretKey, b.multipartThreshold, b.partSize, b.maxAttempts, b.requestTimeout);
        this.localFolder = b.localFolder;
        this.spoolBase = b.spoolFolder;
        this.retained = b.commitRecordsRetained;
        this.lease = b.writerLease;
    }

    /**
     * A builder; choose {@link Builder#s3(String, String)} or {@link Builder#localFolder(Path)}.
     *
     * @return a new builder with the defaults described on its setters; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the sink as the pipeline's only writer in its location: takes the writer fence (a file lock, or an S3
     * lease), finishes the promotion of the newest commit, claims the next commit number, and only then, when no
     * earlier writer can commit any more, deletes what was staged but never committed.
     *
     * @throws FatalException "pipeline … is already running" if another process writes this pipeline here; it has
     *     then changed nothing. Also if the pipeline keeps its offsets in another store but last committed one here
     *     (see the class description)
     */
    @Override
    public synchronized void open(PipelineContext context) {
        close();
        pipeline = context.pipelineName();
        clock = context.clock();
        storeUsed = context.exactlyOnce();
        try {
            claimAndRecover();
        } catch (RuntimeException e) {
            close(); // a writer that is refused holds nothing: neither the lock or lease nor a client
            throw e;
        }
        wantsFlush = false;
    }

    private void claimAndRecover() {
        ObjectStore objects = objectStore();
        objects.check();
        fence = objects.fence(pipeline, writer, clock);
        log = new CommitLog(objects, pipeline, retained);
        Optional<CommitRecord> latest = log.latest();
        if (!storeUsed && latest.isPresent() && latest.get().offset() != null) {
            throw new FatalException("pipeline " + pipeline + " last committed its offset with its data in "
                    + describe() + " (commit record " + latest.get().number() + ", exactly once), but now keeps its"
                    + " offsets in another offset store, which would capture again what that offset covered (or skip"
                    + " it). Fix: build the pipeline without offsetStore(…) again, or, to move to the other store,"
                    + " call sink.deleteOffset(\"" + pipeline + "\") with the pipeline stopped and start the other"
                    + " store from a matching offset (or afresh, with a new snapshot).");
        }
        latest.ifPresent(log::finish);
        nextSeq = latest.map(CommitRecord::nextSeq).orElse(1L);
        flushedSeq = nextSeq;
        String offset = storeUsed ? latest.map(CommitRecord::offset).orElse(null) : null;
        boolean offsetElsewhere = storeUsed ? latest.map(CommitRecord::offsetElsewhere).orElse(false) : true;
        CommitRecord claim = new CommitRecord(latest.map(CommitRecord::number).orElse(0L) + 1, pipeline, offset,
                nextSeq, clock.instant(), List.of(), writer, offsetElsewhere);
        log.claim(claim);
        epoch = claim.number();
        lastNumber = claim.number();
        log.cleanUp(claim);
        spoolFolder = Spools.prepare(objects, pipeline, epoch, spoolBase, describe());
        open = new OpenFiles(files, objects, pipeline, epoch, spoolFolder, clock);
    }

    @Override
    public synchronized void write(List<ChangeEvent> events) {
        if (open == null) {
            throw new IllegalStateException("ParquetSink.write before open()");
        }
        long now = clock.millis();
        try {
            for (ChangeEvent event : events) {
                if (KeyChanges.changesKey(event)) {
                    // the old key's row is gone: without its delete, the rebuild recipe would keep it for ever
                    open.write(KeyChanges.deleteOfOldKey(event), nextSeq++, now);
                }
                open.write(event, nextSeq++, now);
            }
            open.enforceBudget();
        } catch (IOException e) {
            throw new RetriableException("cannot write Parquet to " + describe() + ": " + e, e);
        }
        wantsFlush = open.overBudget();
    }

    @Override
    public synchronized boolean wantsFlush() {
        return wantsFlush;
    }

    @Override
    public synchronized void flush() {
        if (open == null) {
            throw new IllegalStateException("ParquetSink.flush before open()");
        }
        try {
            open.publishAll();
        } catch (IOException e) {
            throw new RetriableException("cannot finish Parquet files for " + describe() + ": " + e, e);
        }
        flushedSeq = nextSeq;
        wantsFlush = false;
        if (!storeUsed) {
            // the pipeline keeps its offsets elsewhere: publish now, at least once. The record has no offset: one
            // written here would be stale, and the sink's store must never resume from it.
            commit(null, true);
        }
    }

    /** Drops open files (a later open deletes what was staged but not committed) and releases connections. */
    @Override
    public synchronized void close() {
        if (open != null) {
            open.abortAll();
            open = null;
        }
        if (spoolFolder != null) {
            Spools.delete(spoolFolder);
        }
        spoolFolder = null;
        if (fence != null) {
            fence.close();
            fence = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    private void commit(String offset, boolean offsetElsewhere) {
        CommitRecord record = new CommitRecord(lastNumber + 1, pipeline, offset, flushedSeq, clock.instant(),
                open.staged(), writer, offsetElsewhere);
        log.commit(record);
        open.clearStaged();
        lastNumber = record.number();
    }

    private ObjectStore objectStore() {
        if (store == null) {
            store = s3 != null ? new S3ObjectStore(s3, lease) : new LocalObjectStore(localFolder);
        }
        return store;
    }

    private String describe() {
        return s3 != null ? s3.toString() : "folder " + localFolder;
    }

    @Override
    public String toString() {
        return "ParquetSink[" + describe() + ", partitionBy " + files.partitioning() + ", " + files.compression() + "]";
    }

    /**
     * The offset of the newest commit record of the pipeline in this location. Works before {@code open}.
     *
     * @throws FatalException if the newest records were written while the pipeline kept its offsets elsewhere
     */
    @Override
    public synchronized Optional<String> committedOffset(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Optional<CommitRecord> latest = new CommitLog(objectStore(), pipelineName, retained).latest();
        if (latest.isPresent() && latest.get().offsetElsewhere()) {
            throw new FatalException("pipeline " + pipelineName + " last ran with its offsets in another offset"
                    + " store (at least once), so the sink's commit record " + latest.get().number() + " in "
                    + describe() + " holds no offset this store could resume from; resuming from an older one would"
                    + " capture again what the other store already covered, starting afresh would snapshot again."
                    + " Fix: build the pipeline with that offset store again (.offsetStore(…)), or, to start afresh"
                    + " with the offsets in the sink, call sink.deleteOffset(\"" + pipelineName
                    + "\") with the pipeline stopped.");
        }
        return latest.map(CommitRecord::offset);
    }

    /** Leaves a signal as an object {@code _sluice/<pipeline>/signals/<id>.signal}; works whether or not the sink is open. */
    @Override
    public synchronized String addSignal(String pipelineName, String text) {
        String id = OffsetStore.Signal.newId(clock != null ? clock : Clock.systemUTC());
        objectStore().put(Keys.signalsFolder(pipelineName) + id + ".signal", text.getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** The signal objects of the pipeline, oldest first. */
    @Override
    public synchronized List<OffsetStore.Signal> signals(String pipelineName) {
        String folder = Keys.signalsFolder(pipelineName);
        List<OffsetStore.Signal> signals = new ArrayList<>();
        for (String key : objectStore().list(folder)) {
            if (!key.endsWith(".signal")) {
                continue;
            }
            String id = key.substring(folder.length(), key.length() - ".signal".length());
            objectStore().get(key).ifPresent(bytes ->
                    signals.add(new OffsetStore.Signal(id, new String(bytes, StandardCharsets.UTF_8))));
        }
        return signals;
    }

    /** Deletes a signal object, if it is still there. */
    @Override
    public synchronized void removeSignal(String pipelineName, String id) {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("not a signal id: '" + id + "'");
        }
        objectStore().delete(Keys.signalsFolder(pipelineName) + id + ".signal");
    }

    /**
     * Commits the files staged since the last commit with this offset: a commit record naming them, then their moves
     * to their final keys.
     *
     * @throws IllegalStateException if the sink is not open for this pipeline: the offset commits its files
     */
    @Override
    public synchronized void commit(String pipelineName, String encodedOffset) {
        Objects.requireNonNull(encodedOffset, "encodedOffset");
        if (open == null) {
            throw new IllegalStateException(this + " commits offsets with its files, so it can only commit one while"
                    + " it is open");
        }
        if (!pipelineName.equals(pipeline)) {
            throw new IllegalStateException(this + " is open for the files of pipeline '" + pipeline + "' and cannot"
                    + " commit an offset for '" + pipelineName + "'");
        }
        storeUsed = true;
        commit(encodedOffset, false);
    }

    /** Writes a commit record without offset; files and {@code _seq} carry on. */
    @Override
    public synchronized void deleteOffset(String pipelineName) {
        Objects.requireNonNull(pipelineName, "pipelineName");
        if (open != null && pipelineName.equals(pipeline)) {
            commit(null, false);
            return;
        }
        CommitLog other = new CommitLog(objectStore(), pipelineName, retained);
        Optional<CommitRecord> latest = other.latest();
        if (latest.isPresent()) {
            CommitRecord last = latest.get();
            Clock now = clock != null ? clock : Clock.systemUTC();
            other.commit(new CommitRecord(last.number() + 1, pipelineName, null, last.nextSeq(), now.instant(),
                    List.of(), Writers.newId(), false));
        }
    }

    /**
     * Configures a {@link ParquetSink}. Each setter checks its argument at once and names a bad value; {@link #build()}
     * checks that exactly one destination is set and that S3 options are not given for a local folder. Not
     * thread-safe. {@link #toString()} masks the secret key.
     */
    public static final class Builder {
        private String bucket;
        private String prefix;
        private URI endpoint;
        private String region;
        private boolean pathStyle;
        private String accessKey;
        private String secretKey;
        private long multipartThreshold = 64L << 20;
        private long partSize = 16L << 20;
        private int maxAttempts = 5;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private boolean s3OptionSet;
        private Path localFolder;
        private Path spoolFolder;
        private Partitioning partitioning = Partitioning.DAY;
        private Compression compression = Compression.ZSTD;
        private long rowGroupSize = 32L << 20;
        private int pageSize = 1 << 20;
        private long maxFileRows = Long.MAX_VALUE;
        private long maxFileBytes = 256L << 20;
        private Duration maxFileAge;
        private long memoryBudget = defaultMemoryBudget(Runtime.getRuntime().maxMemory());
        private boolean includeBefore;
        private int commitRecordsRetained = 100;
        private Duration writerLease = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * Writes to an S3 bucket, under a key prefix ({@code ""} for the bucket's root; no leading or trailing
         * {@code /}).
         *
         * @param bucket the bucket's name, not null: 3 to 63 lower-case letters, digits, {@code .} and {@code -}
         * @param prefix the key prefix every object of the sink starts with, not null, e.g. {@code cdc/shop}
         * @return this builder
         * @throws IllegalArgumentException if the bucket name is not valid or the prefix starts or ends with {@code /}
         *     or holds {@code //}
         */
        public Builder s3(String bucket, String prefix) {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name: use 3 to 63"
                        + " lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
            }
            if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
                throw new IllegalArgumentException("S3 prefix '" + prefix + "' must not start or end with '/' nor"
                        + " contain '//': write it like 'cdc/shop'");
            }
            this.bucket = bucket;
            this.prefix = prefix;
            return this;
        }

        /**
         * Writes to a local folder instead of S3 (created if missing).
         *
         * @param folder the folder the files, commit records and offsets go to, not null
         * @return this builder
         */
        public Builder localFolder(Path folder) {
            this.localFolder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * An S3-compatible endpoint instead of AWS (MinIO, Ceph, S3Proxy), e.g. {@code http://127.0.0.1:9000}.
         *
         * @param endpoint an {@code http} or {@code https} URI with a host, not null
         * @return this builder
         * @throws IllegalArgumentException if the URI is not {@code http} or {@code https} or has no host
         */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("S3 endpoint '" + endpoint + "' must be an http or https URI with"
                        + " a host, such as http://127.0.0.1:9000");
            }
            this.endpoint = endpoint;
            return s3Option();
        }

        /**
         * The bucket's region (default: the SDK's region chain, or {@code us-east-1} with an endpoint).
         *
         * @param region a region name such as {@code eu-west-1}, not null
         * @return this builder
         * @throws IllegalArgumentException if the name holds other than lower-case letters, digits and {@code -}
         */
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!region.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("'" + region + "' is not a region name such as eu-west-1");
            }
            this.region = region;
            return s3Option();
        }

        /**
         * Path-style URLs ({@code endpoint/bucket/key}), as MinIO and S3Proxy need (default false).
         *
         * @param pathStyle true for path-style URLs, false for virtual-hosted ones ({@code bucket.endpoint/key})
         * @return this builder
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return s3Option();
        }

        /**
         * Static credentials (default: the SDK's default chain). The secret never appears in toString or logs.
         *
         * @param accessKey the access key id, not null or empty
         * @param secretKey the secret access key, not null or empty
         * @return this builder
         * @throws IllegalArgumentException if either key is empty
         */
        public Builder credentials(String accessKey, String secretKey) {
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            if (accessKey.isEmpty() || secretKey.isEmpty()) {
                throw new IllegalArgumentException("the access key and the secret key must not be empty");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return s3Option();
        }

        /**
         * Files larger than this go as multipart uploads (default 64 MiB; 5 MiB to 5 GiB, the largest PUT).
         *
         * @param bytes the size in bytes from which a file is uploaded in parts, 5 MiB to 5 GiB, at least
         *     {@link #partSize(long)}
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = atLeast("multipartThreshold", bytes, 5L << 20);
            if (bytes > 5L << 30) {
                throw new IllegalArgumentException("multipartThreshold must be at most 5 GiB (the largest single"
                        + " PUT), was " + bytes);
            }
            return s3Option();
        }

        /**
         * The part size of multipart uploads (default 16 MiB; 5 MiB to 5 GiB).
         *
         * @param bytes the size in bytes of each part but the last, 5 MiB to 5 GiB, at most
         *     {@link #multipartThreshold(long)}
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder partSize(long bytes) {
            this.partSize = atLeast("partSize", bytes, 5L << 20);
            if (bytes > 5L << 30) {
                throw new IllegalArgumentException("partSize must be at most 5 GiB, was " + bytes);
            }
            return s3Option();
        }

        /**
         * How many times the S3 client tries a request that failed transiently (throttling, 5xx, a lost connection)
         * before the sink gives up and the pipeline recovers (default 5, with the SDK's backoff).
         *
         * @param attempts the attempts per request, the first included: 1 to 100
         * @return this builder
         * @throws IllegalArgumentException if the number is out of range
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 100, was " + attempts);
            }
            this.maxAttempts = attempts;
            return s3Option();
        }

        /**
         * The connect and read timeout of each S3 request (default 30 s).
         *
         * @param timeout a positive duration, not null
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return s3Option();
        }

        /**
         * Where open files are spooled before an S3 upload (default {@code java.io.tmpdir}).
         *
         * @param folder a local folder with room for the open files, not null; created if missing
         * @return this builder
         */
        public Builder spoolFolder(Path folder) {
            this.spoolFolder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * How files are split into partition folders (default {@link Partitioning#DAY}).
         *
         * @param partitioning the partitioning of every table, not null
         * @return this builder
         */
        public Builder partitionBy(Partitioning partitioning) {
            this.partitioning = Objects.requireNonNull(partitioning, "partitioning");
            return this;
        }

        /**
         * Page compression (default {@link Compression#ZSTD}).
         *
         * @param compression the codec of the data pages, not null
         * @return this builder
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * The target size of a row group (default 32 MiB; at least 64 KiB).
         *
         * @param bytes the row group size in bytes, at least 65536
         * @return this builder
         */
        public Builder rowGroupSize(long bytes) {
            this.rowGroupSize = atLeast("rowGroupSize", bytes, 64L << 10);
            return this;
        }

        /**
         * The target size of a page (default 1 MiB; 1 KiB to 64 MiB).
         *
         * @param bytes the page size in bytes, 1024 to 67108864 (64 MiB)
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder pageSize(int bytes) {
            atLeast("pageSize", bytes, 1024);
            if (bytes > 64 << 20) {
                throw new IllegalArgumentException("pageSize must be at most 64 MiB, was " + bytes);
            }
            this.pageSize = bytes;
            return this;
        }

        /**
         * A file is closed once it holds this many rows (default: no limit).
         *
         * @param rows the most rows per file, at least 1
         * @return this builder
         */
        public Builder maxFileRows(long rows) {
            this.maxFileRows = atLeast("maxFileRows", rows, 1);
            return this;
        }

        /**
         * A file is closed once its size (written plus buffered) reaches this (default 256 MiB; 16 KiB to 5 GiB,
         * the largest object S3 copies in one request).
         *
         * @param bytes the most bytes per file, 16 KiB to 5 GiB
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder maxFileBytes(long bytes) {
            this.maxFileBytes = atLeast("maxFileBytes", bytes, 16L << 10);
            if (bytes > 5L << 30) {
                throw new IllegalArgumentException("maxFileBytes must be at most 5 GiB, was " + bytes);
            }
            return this;
        }

        /**
         * A file is closed when an event arrives this long after the file was opened (default: none; each commit
         * of the pipeline closes every file anyway).
         *
         * @param age the longest a file stays open, positive, not null
         * @return this builder
         */
        public Builder maxFileAge(Duration age) {
            this.maxFileAge = positive("maxFileAge", age);
            return this;
        }

        /**
         * The most heap the open files may hold together: their row groups being filled, and the values that
         * parquet-java's statistics keep of their row groups until each file is finished (default a quarter of the
         * JVM's maximum heap, from 1 MiB up to 128 MiB; at least 1 MiB).
         *
         * @param bytes the heap budget in bytes, at least 1 MiB; when the open files reach it, the largest is closed
         * @return this builder
         */
        public Builder memoryBudget(long bytes) {
            this.memoryBudget = atLeast("memoryBudget", bytes, 1L << 20);
            return this;
        }

        /**
         * Also write an update's before image, where the source has it, as the group column {@code _before}.
         *
         * @param include true to add the {@code _before} column (default false)
         * @return this builder
         */
        public Builder includeBeforeImage(boolean include) {
            this.includeBefore = include;
            return this;
        }

        /**
         * How long the S3 writer lease of a running pipeline lasts without renewal (default 60 s; 1 s to 1 h). It is
         * renewed every third of this; a second process of the pipeline stops at once while it holds, and a process
         * that was killed without closing the sink blocks the next start for at most this long.
         *
         * @param lease the lease's duration, 1 s to 1 h, not null
         * @return this builder
         * @throws IllegalArgumentException if the duration is out of range
         */
        public Builder writerLease(Duration lease) {
            positive("writerLease", lease);
            if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("writerLease must be between 1 s and 1 h, was " + lease);
            }
            this.writerLease = lease;
            return s3Option();
        }

        /**
         * How many of the newest commit records are kept (default 100; at least 2).
         *
         * @param records the number of commit records kept, at least 2; older ones are deleted
         * @return this builder
         * @throws IllegalArgumentException if the number is less than 2
         */
        public Builder commitRecordsRetained(int records) {
            if (records < 2) {
                throw new IllegalArgumentException("commitRecordsRetained must be at least 2, was " + records);
            }
            this.commitRecordsRetained = records;
            return this;
        }

        /**
         * The sink.
         *
         * @return a new sink with this configuration; it touches the store only when the pipeline opens it
         * @throws IllegalStateException if neither or both of s3 and localFolder are set, or S3 options are set for a
         *     local folder
         */
        public ParquetSink build() {
            if ((bucket == null) == (localFolder == null)) {
                throw new IllegalStateException("ParquetSink needs exactly one destination: call s3(bucket, prefix)"
                        + " or localFolder(path)" + (bucket != null ? ", not both" : ""));
            }
            if (localFolder != null && s3OptionSet) {
                throw new IllegalStateException("endpoint, region, pathStyle, credentials and the other S3 options"
                        + " apply to s3(…) only, but the sink writes to the local folder " + localFolder);
            }
            if (partSize > multipartThreshold) {
                throw new IllegalStateException("partSize " + partSize + " must not exceed multipartThreshold "
                        + multipartThreshold);
            }
            return new ParquetSink(this);
        }

        private Builder s3Option() {
            s3OptionSet = true;
            return this;
        }

        /**
         * A quarter of the heap: the engine's queue and batch, the source's fetches and the sink's page compression
         * need the rest (a 256 MB heap gets 64 MiB).
         */
        static long defaultMemoryBudget(long maxHeap) {
            return Math.max(1L << 20, Math.min(128L << 20, maxHeap / 4));
        }

        private static long atLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        @Override
        public String toString() {
            return "ParquetSink.Builder[" + (bucket != null ? "s3://" + bucket + "/" + prefix : "folder " + localFolder)
                    + (accessKey != null ? ", accessKey=" + accessKey + ", secretKey=****" : "") + "]";
        }
    }
}

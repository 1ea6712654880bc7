package dev.sluice.examples.extending;

import dev.sluice.ChangeEvent;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.FatalException;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.json.ChangeEventJson;
import dev.sluice.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink that appends each event as one line of JSON ({@link ChangeEventJson#toJson(ChangeEvent)}) to
 * {@code <directory>/<pipeline>.jsonl}, and commits the pipeline's offset with those lines, exactly once.
 *
 * <h2>How the offset goes with the data</h2>
 * Beside the lines, {@code <pipeline>.commit} holds {@code {"length":…,"offset":…}}: how many bytes of the lines
 * file are committed, and the offset of the last event in them. {@link #flush()} forces the lines to disk;
 * {@link #commit(String, String)} then replaces the commit file atomically (a temporary file, forced, renamed over
 * it). {@link #open(PipelineContext)} cuts the lines file back to the committed length, so lines a crash left
 * written but not committed are dropped, and the pipeline sends them again from the committed offset: nothing is
 * lost and no line is written twice. Readers take the committed length into account: see
 * {@link #readCommitted(String)}.
 *
 * <p>It cannot be used with an offset store of the pipeline's own (at least once): there it could not tell which
 * lines the store's offset covers. {@code open} refuses that with a {@link FatalException}.
 *
 * <p>One writer per pipeline: {@code open} takes an exclusive lock on {@code <pipeline>.lock} and a second writer
 * of the same pipeline, in this process or another, fails with a {@link PipelineAlreadyRunningException}.
 *
 * <p>The example sink of the guide {@code docs/extending.md}. The pipeline calls {@code open}, {@code write},
 * {@code flush}, {@code commit} and {@code close} from one thread; {@link #committedOffset(String)},
 * {@link #deleteOffset(String)} and {@link #readCommitted(String)} are thread-safe.
 */
public final class JsonLinesSink implements ExactlyOnceSink {

    /** Lock files this process holds: closing any channel of a locked file may drop the process's lock on it. */
    private static final Set<Path> LOCKED = ConcurrentHashMap.newKeySet();

    private final Path directory;
    /** Serialises the commit file's writers: {@link #commit} on the sink thread, {@link #deleteOffset} elsewhere. */
    private final Object commitLock = new Object();

    // the open session, used by the pipeline's sink thread only
    private String pipeline;
    private Path lockPath;
    private FileChannel lockChannel;
    private FileChannel lines;
    private long written;
    private long flushed;

    private JsonLinesSink(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * A sink writing into this directory, which is created if missing.
     *
     * @param directory where the {@code .jsonl}, {@code .commit} and {@code .lock} files of each pipeline go
     * @return the sink
     */
    public static JsonLinesSink in(Path directory) {
        return new JsonLinesSink(directory);
    }

    /**
     * {@return the file the pipeline's lines go to} Its committed part is what {@link #readCommitted(String)} returns.
     *
     * @param pipelineName the pipeline's name
     */
    public Path linesFile(String pipelineName) {
        return directory.resolve(pipelineName + ".jsonl");
    }

    private Path commitFile(String pipelineName) {
        return directory.resolve(pipelineName + ".commit");
    }

    /**
     * Takes the pipeline's lock and cuts its lines file back to the committed length.
     *
     * @throws FatalException if the pipeline keeps its offsets in an offset store of its own, or the files are not
     *     this sink's or are damaged; the message names the fix
     * @throws PipelineAlreadyRunningException if another writer has the pipeline's lock
     * @throws RetriableException if the files cannot be read or written now
     */
    @Override
    public void open(PipelineContext context) {
        if (!context.exactlyOnce()) {
            throw new FatalException("JsonLinesSink commits the offset of " + context.pipelineName() + " with its"
                    + " lines, and cannot keep them apart: build the pipeline without offsetStore(...), so that its"
                    + " offsets are kept in the sink");
        }
        String name = context.pipelineName();
        try {
            Files.createDirectories(directory);
            lock(name);
            pipeline = name;
            Commit commit = readCommit(name);
            Path file = linesFile(name);
            if (commit == null) {
                if (Files.exists(file) && Files.size(file) > 0) {
                    throw new FatalException(file + " holds lines but there is no " + commitFile(name) + ": they"
                            + " were not written by this sink, or its commit file was deleted. Fix: move " + file
                            + " away, or give the pipeline another name or directory.");
                }
                commit = new Commit(0, null);
                writeCommit(name, commit);
            }
            lines = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (lines.size() < commit.length()) {
                throw new FatalException(file + " has " + lines.size() + " bytes, fewer than the " + commit.length()
                        + " committed in " + commitFile(name) + ": it was truncated or replaced. Fix: restore it,"
                        + " or delete both files to capture everything again.");
            }
            // what a crash left written but not committed is sent again from the committed offset: drop it here
            lines.truncate(commit.length());
            lines.force(true);
            written = commit.length();
            flushed = written;
        } catch (IOException e) {
            close();
            throw new RetriableException("cannot open the lines of " + name + " in " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void lock(String name) throws IOException {
        Path path = directory.resolve(name + ".lock").toAbsolutePath().normalize();
        if (!LOCKED.add(path)) {
            throw running(name, path);
        }
        lockPath = path;
        lockChannel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw running(name, path);
        }
    }

    private static PipelineAlreadyRunningException running(String name, Path lock) {
        return new PipelineAlreadyRunningException("another JsonLinesSink is writing the lines of pipeline " + name
                + " (it holds " + lock + "): stop it first, or give this pipeline another name or directory");
    }

    /**
     * Appends one JSON line per event; they are durable after {@link #flush()} and committed by
     * {@link #commit(String, String)}.
     *
     * @throws RetriableException if the lines cannot be written now
     */
    @Override
    public void write(List<ChangeEvent> events) {
        checkOpen();
        StringBuilder text = new StringBuilder();
        for (ChangeEvent event : events) {
            text.append(ChangeEventJson.toJson(event)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                written += lines.write(bytes, written);
            }
        } catch (IOException e) {
            throw new RetriableException("cannot write to " + linesFile(pipeline) + ": " + e, e);
        }
    }

    /**
     * Forces the lines written so far to disk, ready for the commit; not yet committed.
     *
     * @throws RetriableException if they cannot be forced to disk
     */
    @Override
    public void flush() {
        checkOpen();
        try {
            lines.force(false);
        } catch (IOException e) {
            throw new RetriableException("cannot force " + linesFile(pipeline) + " to disk: " + e, e);
        }
        flushed = written;
    }

    /**
     * Commits the flushed lines and the offset together: one atomic replacement of the commit file.
     *
     * @throws IllegalStateException if the sink is not open for this pipeline
     * @throws RetriableException if the commit file cannot be replaced; the previous one then stands, and the lines
     *     after its length are dropped at the next open
     */
    @Override
    public void commit(String pipelineName, String encodedOffset) {
        checkOpen();
        if (!pipelineName.equals(pipeline)) {
            throw new IllegalStateException("the sink is open for pipeline " + pipeline + ", not " + pipelineName);
        }
        try {
            writeCommit(pipelineName, new Commit(flushed, Objects.requireNonNull(encodedOffset, "encodedOffset")));
        } catch (IOException e) {
            throw new RetriableException("cannot commit " + commitFile(pipelineName) + ": " + e, e);
        }
    }

    /**
     * {@return the offset committed with the pipeline's lines, or empty if none was}
     *
     * @param pipelineName the pipeline's name
     * @throws FatalException if the commit file is damaged
     * @throws RetriableException if it cannot be read now
     */
    @Override
    public Optional<String> committedOffset(String pipelineName) {
        try {
            Commit commit = readCommit(pipelineName);
            return commit == null ? Optional.empty() : Optional.ofNullable(commit.offset());
        } catch (IOException e) {
            throw new RetriableException("cannot read " + commitFile(pipelineName) + ": " + e, e);
        }
    }

    /**
     * Forgets the pipeline's offset; its committed lines stay, and the next run appends after them.
     *
     * @param pipelineName the pipeline's name
     * @throws RetriableException if the commit file cannot be rewritten now
     */
    @Override
    public void deleteOffset(String pipelineName) {
        try {
            synchronized (commitLock) {
                Commit commit = readCommit(pipelineName);
                if (commit != null) {
                    writeCommit(pipelineName, new Commit(commit.length(), null));
                }
            }
        } catch (IOException e) {
            throw new RetriableException("cannot rewrite " + commitFile(pipelineName) + ": " + e, e);
        }
    }

    /**
     * The committed lines of a pipeline, each a JSON object as {@link ChangeEventJson} writes it: the lines file up
     * to the length its commit file names, without what a writer may have appended since. How a reader should read
     * the lines file while a pipeline writes it.
     *
     * @param pipelineName the pipeline's name
     * @return the lines, oldest first; empty if nothing was committed
     * @throws FatalException if the commit file is damaged
     * @throws RetriableException if the files cannot be read now
     */
    public List<String> readCommitted(String pipelineName) {
        try {
            Commit commit = readCommit(pipelineName);
            if (commit == null || commit.length() == 0) {
                return List.of();
            }
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(commit.length()));
            try (FileChannel channel = FileChannel.open(linesFile(pipelineName), StandardOpenOption.READ)) {
                while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
                    // read on until the committed length
                }
            }
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
            return new ArrayList<>(List.of(text.split("\n")));
        } catch (IOException e) {
            throw new RetriableException("cannot read the lines of " + pipelineName + ": " + e, e);
        }
    }

    /** Closes the lines file and releases the lock; what was not committed is dropped at the next open. */
    @Override
    public void close() {
        closeQuietly(lines);
        lines = null;
        closeQuietly(lockChannel); // releases the lock
        lockChannel = null;
        if (lockPath != null) {
            LOCKED.remove(lockPath);
            lockPath = null;
        }
        pipeline = null;
    }

    @Override
    public String toString() {
        return "JSON lines in " + directory;
    }

    private void checkOpen() {
        if (lines == null) {
            throw new IllegalStateException("the sink is not open");
        }
    }

    private record Commit(long length, String offset) {}

    private Commit readCommit(String pipelineName) throws IOException {
        Path file = commitFile(pipelineName);
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            Map<?, ?> map = (Map<?, ?>) Json.parse(text);
            long length = ((BigDecimal) map.get("length")).longValueExact();
            Object offset = map.get("offset");
            return new Commit(length, (String) offset);
        } catch (RuntimeException e) {
            throw new FatalException(file + " is damaged ('" + text + "': " + e + "). Fix: restore it, or delete it"
                    + " and " + linesFile(pipelineName) + " to capture everything again.", e);
        }
    }

    private void writeCommit(String pipelineName, Commit commit) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("length", commit.length());
        map.put("offset", commit.offset());
        byte[] bytes = Json.write(map).getBytes(StandardCharsets.UTF_8);
        Path file = commitFile(pipelineName);
        Path temporary = directory.resolve(pipelineName + ".commit.tmp");
        synchronized (commitLock) {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // the commit point: the rename either happens whole or not at all
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true); // the rename itself, durable
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing after a failure, or at shutdown: nothing to do about it
            }
        }
    }
}

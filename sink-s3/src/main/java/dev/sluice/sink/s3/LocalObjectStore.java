package dev.sluice.sink.s3;

import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A local folder as object store. A file becomes visible whole: it is written under a temporary name, forced to
 * disk, renamed atomically, and the folder is forced, so a crash leaves the old state or the new one.
 */
final class LocalObjectStore implements ObjectStore {

    private final Path root;

    LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void check() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new FatalException("cannot create the sink folder " + root + ": " + e
                    + ". Fix: choose a folder the process may write, or create it with the right owner.", e);
        }
        if (!Files.isWritable(root)) {
            throw new FatalException("the sink folder " + root + " is not writable by this process."
                    + " Fix: grant write permission, or choose another folder.");
        }
    }

    @Override
    public void upload(Path file, String key) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                Files.move(file, temp, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
                Files.copy(file, temp);
                Files.delete(file);
            }
            force(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            force(target.getParent());
        } catch (IOException e) {
            throw failure("write " + target, e);
        }
    }

    @Override
    public void put(String key, byte[] content) {
        Path target = resolve(key);
        try {
            Path temp = durableTemp(target, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            force(target.getParent());
        } catch (IOException e) {
            throw failure("write " + target, e);
        }
    }

    @Override
    public boolean create(String key, byte[] content) {
        Path target = resolve(key);
        try {
            Path temp = durableTemp(target, content);
            try {
                // a link, unlike a rename, fails if the name exists: the whole file appears, or nothing
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException taken) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
            force(target.getParent());
            return true;
        } catch (IOException e) {
            throw failure("write " + target, e);
        }
    }

    /** The content in a new file beside the target, forced to disk: what a rename or a link then publishes. */
    private static Path durableTemp(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        return temp;
    }

    @Override
    public WriterFence fence(String pipeline, String writer, Clock clock) {
        return LocalLock.acquire(resolve(Keys.pipelineFolder(pipeline) + "writer.lock"), pipeline, writer, clock);
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read " + resolve(key), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        Path folder = resolve(prefix);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            List<String> keys = new ArrayList<>();
            files.filter(Files::isRegularFile)
                    .forEach(p -> keys.add(root.relativize(p).toString().replace(File.separatorChar, '/')));
            keys.sort(null);
            return keys;
        } catch (IOException | UncheckedIOException e) {
            throw new RetriableException("cannot list " + folder + ": " + e, e);
        }
    }

    @Override
    public void promote(String from, String to, long bytes) {
        Path source = resolve(from);
        Path target = resolve(to);
        try {
            if (!Files.exists(source)) {
                if (Files.exists(target)) {
                    return;
                }
                throw new FatalException("the committed file " + target + " is missing, and so is its staged copy "
                        + source + ": something deleted them. Fix: restore them from a backup, or delete the"
                        + " pipeline's records under " + resolve(Keys.pipelineFolder("")) + " and start over.");
            }
            Files.createDirectories(target.getParent());
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            force(target.getParent());
        } catch (IOException e) {
            throw failure("move " + source + " to " + target, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw failure("delete " + resolve(key), e);
        }
    }

    @Override
    public Optional<Path> spoolFolder(String pipeline) {
        return Optional.of(resolve(Keys.pipelineFolder(pipeline) + "spool"));
    }

    @Override
    public void close() {}

    private Path resolve(String key) {
        return root.resolve(key);
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static RuntimeException failure(String what, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new FatalException("cannot " + what + ": permission denied. Fix: grant this process write"
                    + " permission on the sink folder.", e);
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null
                && fs.getReason().contains("Read-only file system")) {
            return new FatalException("cannot " + what + ": the file system is read-only. Fix: choose a writable"
                    + " folder.", e);
        }
        // disk full, a flaky mount: may pass; the pipeline reopens from the last commit
        return new RetriableException("cannot " + what + ": " + e, e);
    }

    @Override
    public String toString() {
        return "folder " + root;
    }
}

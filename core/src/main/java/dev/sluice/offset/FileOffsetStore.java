package dev.sluice.offset;

import dev.sluice.FatalException;
import dev.sluice.OffsetStore;
import dev.sluice.RetriableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Keeps each pipeline's offset in a file of its own, {@code <directory>/<pipeline>.offset}.
 *
 * <p><b>Durability:</b> a save writes a temporary file, forces it to disk, renames it over the old file
 * atomically, then forces the directory. A crash at any moment (kill -9, power loss) leaves either the previous
 * offset or the new one, never a torn file. Each file carries a length and a CRC-32C checksum; a file that fails
 * them is reported as damaged, never misread.
 *
 * <p><b>One writer:</b> {@link #acquire(String)} takes an exclusive lock on {@code <directory>/<pipeline>.lock}
 * ({@link FileChannel#tryLock()}), held while the pipeline runs and dropped by the operating system when the
 * process dies, so a second process of the same pipeline on this directory stops at once with a
 * {@link dev.sluice.PipelineAlreadyRunningException} naming the holder. File locks are only as good as the file
 * system's: local disks are fine; on NFS they depend on its lock manager.
 *
 * <p><b>Signals</b> (see {@link OffsetStore}) are files of their own, {@code <directory>/<pipeline>.signals/<id>.signal},
 * written as durably as the offset (a temporary file, forced, renamed, the folder forced) and with the same
 * checksum; a file that fails it is returned as a signal whose text says so, which the pipeline refuses and removes
 * with a warning.
 *
 * <p>Thread-safe within a process.
 */
public final class FileOffsetStore implements OffsetStore {

    private static final String MAGIC = "sluice-offset v1";
    private static final Pattern HEADER = Pattern.compile(
            Pattern.quote(MAGIC) + " length=(\\d{1,9}) crc32c=([0-9a-f]{8})\n");

    private final Path directory;

    private FileOffsetStore(Path directory) {
        this.directory = directory;
    }

    /**
     * A store in this directory, created if missing.
     *
     * @param directory the directory, not null; one file per pipeline is kept in it
     * @return the store; thread-safe within a process
     * @throws FatalException if the directory cannot be created
     */
    public static FileOffsetStore in(Path directory) {
        Path absolute = directory.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new FatalException("cannot create the offset directory " + absolute + ": " + e
                    + ". Fix: create it, or choose a directory the process may write to.", e);
        }
        return new FileOffsetStore(absolute);
    }

    /**
     * The directory the offsets are kept in.
     *
     * @return the absolute form of the directory given to {@link #in(Path)}
     */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized Optional<String> load(String pipelineName) {
        Path file = fileOf(pipelineName);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RetriableException("cannot read the offset file " + file + ": " + e, e);
        }
        return Optional.of(decode(file, content));
    }

    @Override
    public synchronized void save(String pipelineName, String encodedOffset) {
        Path file = fileOf(pipelineName);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] content = encode(encodedOffset);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (AccessDeniedException e) {
            throw new FatalException("cannot write the offset file " + file + ": permission denied. Fix: let the"
                    + " process write to " + directory + ", or choose another offset directory.", e);
        } catch (IOException e) {
            throw new RetriableException("cannot save the offset of pipeline " + pipelineName + " to " + file
                    + ": " + e, e);
        }
    }

    /**
     * Locks {@code <pipeline>.lock} in the directory until the lease is closed.
     *
     * @throws dev.sluice.PipelineAlreadyRunningException if another process, or another lease in this one, holds it
     */
    @Override
    public Lease acquire(String pipelineName) {
        Path file = fileOf(pipelineName);
        return FileLease.acquire(pipelineName, file.resolveSibling(pipelineName + ".lock"), Clock.systemUTC());
    }

    @Override
    public synchronized void delete(String pipelineName) {
        Path file = fileOf(pipelineName);
        try {
            Files.deleteIfExists(file);
            forceDirectory();
        } catch (IOException e) {
            throw new RetriableException("cannot delete the offset file " + file + ": " + e, e);
        }
    }

    @Override
    public String addSignal(String pipelineName, String text) {
        Path folder = signalsOf(pipelineName);
        String id = Signal.newId(Clock.systemUTC());
        Path file = folder.resolve(id + ".signal");
        Path temporary = folder.resolve(id + ".tmp");
        try {
            Files.createDirectories(folder);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(encode(text));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            force(folder);
            forceDirectory(); // the folder itself, if it was just created
        } catch (IOException e) {
            throw new RetriableException("cannot write the signal " + file + ": " + e, e);
        }
        return id;
    }

    @Override
    public List<Signal> signals(String pipelineName) {
        Path folder = signalsOf(pipelineName);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".signal")).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new RetriableException("cannot list the signals in " + folder + ": " + e, e);
        }
        List<Signal> signals = new ArrayList<>(files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            String id = name.substring(0, name.length() - ".signal".length());
            try {
                signals.add(new Signal(id, decode(file, Files.readAllBytes(file))));
            } catch (NoSuchFileException e) {
                // removed meanwhile
            } catch (IOException e) {
                throw new RetriableException("cannot read the signal " + file + ": " + e, e);
            } catch (FatalException e) {
                signals.add(new Signal(id, "(damaged: " + e.getMessage() + ")"));
            }
        }
        return signals;
    }

    @Override
    public void removeSignal(String pipelineName, String id) {
        Path folder = signalsOf(pipelineName);
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("not a signal id: '" + id + "'");
        }
        try {
            if (Files.deleteIfExists(folder.resolve(id + ".signal"))) {
                force(folder);
            }
        } catch (IOException e) {
            throw new RetriableException("cannot remove the signal " + id + " from " + folder + ": " + e, e);
        }
    }

    private Path signalsOf(String pipelineName) {
        Path offset = fileOf(pipelineName);
        return offset.resolveSibling(pipelineName + ".signals");
    }

    private Path fileOf(String pipelineName) {
        // pipeline names are restricted to letters, digits, '_', '.' and '-', never starting with '.'
        if (pipelineName == null || !pipelineName.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("not a pipeline name: '" + pipelineName + "'");
        }
        return directory.resolve(pipelineName + ".offset");
    }

    private void forceDirectory() throws IOException {
        force(directory);
    }

    private static void force(Path folder) throws IOException {
        // makes the rename itself durable; directories cannot be opened for fsync everywhere (Windows)
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                throw e;
            }
        }
    }

    static byte[] encode(String encodedOffset) {
        byte[] payload = encodedOffset.getBytes(StandardCharsets.UTF_8);
        String header = MAGIC + " length=" + payload.length + " crc32c=" + String.format("%08x", crc(payload)) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        byte[] content = Arrays.copyOf(headerBytes, headerBytes.length + payload.length);
        System.arraycopy(payload, 0, content, headerBytes.length, payload.length);
        return content;
    }

    static String decode(Path file, byte[] content) {
        int newline = indexOf(content, (byte) '\n');
        Matcher header = HEADER.matcher(newline < 0 ? "" : new String(content, 0, newline + 1, StandardCharsets.US_ASCII));
        if (!header.matches()) {
            throw damaged(file, "it does not start with a '" + MAGIC + "' header");
        }
        int length = Integer.parseInt(header.group(1));
        byte[] payload = Arrays.copyOfRange(content, newline + 1, content.length);
        if (payload.length != length) {
            throw damaged(file, "it holds " + payload.length + " bytes of offset where its header says " + length);
        }
        if (!String.format("%08x", crc(payload)).equals(header.group(2))) {
            throw damaged(file, "its checksum does not match");
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static FatalException damaged(Path file, String why) {
        return new FatalException("the offset file " + file + " is damaged: " + why + ". Sluice never writes such a"
                + " file, so something else changed it. Fix: restore it from a backup, or delete it to start the"
                + " pipeline afresh (with a new snapshot).");
    }

    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "file offset store in " + directory;
    }
}

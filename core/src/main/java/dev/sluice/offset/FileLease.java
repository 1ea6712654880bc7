package dev.sluice.offset;

import dev.sluice.OffsetStore;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pipeline's claim on a {@link FileOffsetStore} directory: an exclusive {@link FileLock} on
 * {@code <pipeline>.lock}, held until {@link #close()}, which the operating system also drops when the process dies.
 * The file says who holds it (pid, host, since when), for the message the next claimant gets.
 */
final class FileLease implements OffsetStore.Lease {

    /**
     * Lock files this process holds. A JVM may release every lock it holds on a file when any channel on that file
     * closes, so a second claim from this process must be refused before it opens the file at all.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FileLease(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static FileLease acquire(String pipelineName, Path file, Clock clock) {
        if (!HELD.add(file)) {
            throw running(pipelineName, file, "in this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw running(pipelineName, file, holder(channel));
            }
            String holder = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + clock.instant()
                    + " (" + ManagementFactory.getRuntimeMXBean().getName() + ")";
            channel.truncate(0);
            ByteBuffer content = ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8));
            while (content.hasRemaining()) {
                channel.write(content, content.position());
            }
            channel.force(false);
            return new FileLease(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            closeQuietly(channel);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RetriableException("cannot lock " + file + " for pipeline " + pipelineName + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(file);
    }

    private static PipelineAlreadyRunningException running(String pipelineName, Path file, String holder) {
        return new PipelineAlreadyRunningException("pipeline " + pipelineName + " is already running (" + holder
                + "): its lock file " + file + " is held. Two processes of one pipeline would overwrite each"
                + " other's data and offsets, so this one stops before touching anything. Fix: stop the other"
                + " process first (it releases the lock when it exits, also when it is killed), or give this"
                + " pipeline another name.");
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "held by another process" : "held by " + text;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it that matters
        }
    }
}

package dev.sluice.sink.s3;

import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The writer fence of a local folder: an exclusive OS lock on a file, held while the sink is open. The OS drops it
 * when the process dies, so a crash never blocks the next start. The file names the holder, for the message.
 */
final class LocalLock implements WriterFence {

    private final FileChannel channel;
    private final FileLock lock;

    private LocalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static LocalLock acquire(Path file, String pipeline, String writer, Clock clock) {
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new PipelineAlreadyRunningException("pipeline " + pipeline + " is already running (writer "
                        + (holder.isEmpty() ? "unknown" : holder) + " holds the lock " + file + "). Fix: run one"
                        + " process per pipeline name and sink folder: stop the other process first (a rolling"
                        + " deployment must stop the old instance before starting the new one), or give this"
                        + " pipeline another name.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((writer + " since " + clock.instant() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new LocalLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock goes with the channel
                }
            }
            throw new RetriableException("cannot lock " + file + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        }
    }
}

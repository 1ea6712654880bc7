package dev.sluice.sink.s3;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} on the local disk, where a file is written before it is uploaded whole: the open
 * file costs disk, not heap. Knows how many bytes reached it, which tells how much of the file's size is still
 * buffered in the writer.
 */
final class SpoolFile implements OutputFile {

    private final Path path;
    private volatile long written;

    SpoolFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Bytes handed to the file so far (row groups, header, and after close the footer). */
    long written() {
        return written;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private PositionOutputStream open(StandardOpenOption... options) throws IOException {
        OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(path, Stream.concat(Stream.of(options),
                        Stream.of(StandardOpenOption.WRITE)).toArray(StandardOpenOption[]::new)),
                64 * 1024);
        return new PositionOutputStream() {
            @Override
            public long getPos() {
                return written;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return path.toString();
    }
}

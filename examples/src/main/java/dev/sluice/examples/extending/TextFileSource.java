package dev.sluice.examples.extending;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Source;
import dev.sluice.SourceHealth;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A source that tails an append-only UTF-8 text file: every complete line ({@code '\n'}-terminated) is an
 * {@link Op#INSERT} into the table {@code textfile.lines}, keyed by the line's byte position. A line still being
 * written (no {@code '\n'} yet) waits until it is complete. The offset is a {@link FilePosition}.
 *
 * <p>The example source of the guide {@code docs/extending.md}: small, but it keeps the whole {@link ChangeStream}
 * contract. Immutable and thread-safe, like every {@link Source}.
 */
public final class TextFileSource implements Source {

    /** The table every line goes to. */
    public static final TableId TABLE = TableId.of("textfile", "lines");
    /** {@code position} (INT64, the key: the line's first byte in the file) and {@code line} (STRING, without its {@code '\n'}). */
    public static final Schema SCHEMA = Schema.builder()
            .column(Column.of("position", Type.INT64).notNull())
            .column(Column.of("line", Type.STRING).notNull())
            .key("position")
            .build();

    private static final int FIRST_READ = 64 * 1024;

    private final Path file;

    private TextFileSource(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * A source tailing this file, which must exist when the pipeline opens the source.
     *
     * @param file an append-only text file, UTF-8, one change per line
     * @return the source
     */
    public static TextFileSource of(Path file) {
        return new TextFileSource(file);
    }

    /**
     * Opens a stream of the lines after {@code from}, or of every line if {@code from} is null.
     *
     * @throws FatalException if the file does not exist, or is shorter than {@code from} (it was truncated or
     *     replaced, which an append-only source cannot follow)
     * @throws RetriableException if the file cannot be read now
     */
    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        if (!Files.isRegularFile(file)) {
            throw new FatalException("the text file " + file + " does not exist: create it, or give"
                    + " TextFileSource.of the path of an existing file");
        }
        long start = from == null ? 0 : ((FilePosition) from).bytes();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new RetriableException("cannot open " + file + ": " + e, e);
        }
        try {
            long size = channel.size();
            if (size < start) {
                throw new FatalException("the text file " + file + " has " + size + " bytes, fewer than the "
                        + start + " the pipeline " + context.pipelineName() + " has committed: it was truncated or"
                        + " replaced, and the lines after its offset are gone. Fix: restore the file, or delete the"
                        + " pipeline's stored offset to read the file again from its start.");
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RetriableException("cannot read the size of " + file + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        return new Stream(channel, start, context);
    }

    /**
     * Reads the text form of a {@link FilePosition}.
     *
     * @throws IllegalArgumentException if the text is not one
     */
    @Override
    public FilePosition decodeOffset(String encoded) {
        return FilePosition.decode(encoded);
    }

    @Override
    public String toString() {
        return "text file " + file;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing after a failure: the first failure is the one to report
        }
    }

    /** One open session: the capture thread calls everything but {@link #committed} and {@link #health}. */
    private final class Stream implements ChangeStream {
        private final FileChannel channel;
        private final PipelineContext context;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private int readSize = FIRST_READ;
        /** Bytes read and returned as events: always just after a {@code '\n'} (or 0). Capture thread only. */
        private long read;
        /** The last position the pipeline made durable; written by the sink thread, read by the capture thread. */
        private volatile long committed;
        /** Kept aside for {@link #health()}, which any thread may call: never measured there. */
        private volatile SourceHealth health = SourceHealth.unknown("not measured yet: no poll so far");

        Stream(FileChannel channel, long start, PipelineContext context) {
            this.channel = channel;
            this.context = context;
            this.read = start;
            this.committed = start;
        }

        @Override
        public Offset head() {
            try {
                long end = endOfLastLine(channel.size());
                return end == 0 ? null : new FilePosition(end);
            } catch (IOException e) {
                throw new RetriableException("cannot read " + file + ": " + e, e);
            }
        }

        @Override
        public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
            try {
                List<ChangeEvent> events = readLines();
                measure();
                if (events.isEmpty()) {
                    // a plain file has no change notification: wait, as the contract allows, and let the pipeline
                    // poll again (the capture thread is interrupted at shutdown, which ends the sleep)
                    Thread.sleep(Math.max(1, timeout.toMillis()));
                }
                return events;
            } catch (IOException e) {
                throw new RetriableException("cannot read " + file + " at byte " + read + ": " + e, e);
            }
        }

        /** Reads the complete lines after {@link #read}; none if the file ends inside a line. */
        private List<ChangeEvent> readLines() throws IOException {
            while (true) {
                ByteBuffer buffer = ByteBuffer.allocate(readSize);
                int n = channel.read(buffer, read);
                if (n <= 0) {
                    return List.of();
                }
                byte[] bytes = buffer.array();
                int lastNewline = lastIndexOf(bytes, n, (byte) '\n');
                if (lastNewline < 0) {
                    if (n < readSize) {
                        return List.of(); // a line still being written: wait for its '\n'
                    }
                    readSize *= 2; // a line longer than the buffer
                    continue;
                }
                Instant written = Files.getLastModifiedTime(file).toInstant();
                List<ChangeEvent> events = new ArrayList<>();
                int lineStart = 0;
                for (int i = 0; i <= lastNewline; i++) {
                    if (bytes[i] == '\n') {
                        long position = read + lineStart;
                        String line = decode(bytes, lineStart, i - lineStart, position);
                        events.add(ChangeEvent.builder(Op.INSERT, TABLE, SCHEMA)
                                .after(Row.of(position, line))
                                .offset(new FilePosition(read + i + 1)) // just after the event: after its '\n'
                                .commitTime(written)
                                .build());
                        lineStart = i + 1;
                    }
                }
                read += lastNewline + 1;
                return events;
            }
        }

        private String decode(byte[] bytes, int from, int length, long position) {
            try {
                return utf8.decode(ByteBuffer.wrap(bytes, from, length)).toString();
            } catch (CharacterCodingException e) {
                // never skip a change: a line that cannot be read stops the pipeline, and says where
                throw new FatalException("the line at byte " + position + " of " + file + " is not UTF-8 text ("
                        + e + "). Fix: correct that line in the file, then start the pipeline again.", e);
            }
        }

        /** The end of the last complete line at or before {@code size}: what the stream can reach now. */
        private long endOfLastLine(long size) throws IOException {
            long end = size;
            ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
            while (end > 0) {
                buffer.clear();
                long from = Math.max(0, end - buffer.capacity());
                buffer.limit((int) (end - from));
                channel.read(buffer, from);
                int at = lastIndexOf(buffer.array(), buffer.position(), (byte) '\n');
                if (at >= 0) {
                    return from + at + 1;
                }
                end = from;
            }
            return 0;
        }

        private void measure() throws IOException {
            long size = channel.size();
            health = new SourceHealth(SourceHealth.Risk.OK, "a local file keeps every line: nothing is ever removed",
                    Math.max(0, size - committed), null, size, -1, -1, null, context.clock().instant());
        }

        @Override
        public Offset position() {
            return read == 0 ? null : new FilePosition(read);
        }

        @Override
        public SourceHealth health() {
            return health;
        }

        @Override
        public void committed(Offset offset) {
            // nothing to release: the file is the application's. A log-based source would advance its slot here,
            // or record the offset and act on it in its next poll (this runs on the sink thread)
            committed = ((FilePosition) offset).bytes();
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private static int lastIndexOf(byte[] bytes, int length, byte b) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

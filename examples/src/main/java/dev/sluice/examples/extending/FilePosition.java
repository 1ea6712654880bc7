package dev.sluice.examples.extending;

import dev.sluice.Offset;

/**
 * The offset of {@link TextFileSource}: a byte position in the file, just after a complete line. Text form
 * {@code textfile:<bytes>}; the tag lets a pipeline refuse an offset some other source wrote.
 *
 * @param bytes the number of bytes of the file read, up to and including a line's {@code '\n'}
 */
public record FilePosition(long bytes) implements Offset {

    private static final String TAG = "textfile:";

    /**
     * Checks the position.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public FilePosition {
        if (bytes < 0) {
            throw new IllegalArgumentException("a file position is 0 or more, got " + bytes);
        }
    }

    /**
     * Reads the text form that {@link #encode()} writes.
     *
     * @param text the stored offset
     * @return the position it names
     * @throws IllegalArgumentException if the text is not {@code textfile:<bytes>}
     */
    public static FilePosition decode(String text) {
        if (text.startsWith(TAG)) {
            try {
                return new FilePosition(Long.parseLong(text.substring(TAG.length())));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("expected 'textfile:<bytes>', got '" + text + "'");
    }

    /** {@return {@code textfile:<bytes>}} */
    @Override
    public String encode() {
        return TAG + bytes;
    }

    /**
     * {@return true if this position is at or after {@code other}} Byte positions of one append-only file are
     * ordered, so covering is comparing.
     *
     * @param other a position in the same file
     * @throws IllegalArgumentException if {@code other} is not a {@code FilePosition}
     */
    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof FilePosition that)) {
            throw new IllegalArgumentException("not a text file position: " + other);
        }
        return bytes >= that.bytes;
    }
}

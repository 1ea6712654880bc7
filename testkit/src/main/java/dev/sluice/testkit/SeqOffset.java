package dev.sluice.testkit;

import dev.sluice.Offset;
import java.util.List;

/** The offset of {@link MemorySource}: the sequence number of the last event read. */
public record SeqOffset(long seq) implements Offset {

    static final String TAG = "mem:";

    @Override
    public String encode() {
        return TAG + seq;
    }

    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof SeqOffset that)) {
            throw new IllegalArgumentException("not a memory source offset: " + other);
        }
        return seq >= that.seq;
    }

    /**
     * The sequence numbers of these encoded offsets.
     *
     * @param encoded offsets as {@link #encode()} writes them, such as {@link FlakyOffsetStore#saved()}
     * @return their sequence numbers, in the same order
     * @throws IllegalArgumentException if one is not an encoded {@code SeqOffset}
     */
    public static List<Long> seqs(List<String> encoded) {
        return encoded.stream().map(text -> decode(text).seq()).toList();
    }

    static SeqOffset decode(String encoded) {
        if (!encoded.startsWith(TAG)) {
            throw new IllegalArgumentException("expected '" + TAG + "<number>', got '" + encoded + "'");
        }
        try {
            return new SeqOffset(Long.parseLong(encoded.substring(TAG.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected '" + TAG + "<number>', got '" + encoded + "'", e);
        }
    }
}

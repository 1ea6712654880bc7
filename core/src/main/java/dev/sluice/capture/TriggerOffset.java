package dev.sluice.capture;

import dev.sluice.Offset;
import dev.sluice.TableId;
import java.util.HashMap;
import java.util.Map;

/**
 * The position of trigger capture: the change table's sequence value of the last change delivered (or passed
 * over), and what the targets know of each table's columns ({@link TableShape}). Changes with a higher sequence
 * value are still to come. Text form {@code trg:<seq>} followed by {@code ;!<table shape>} entries (an offset
 * written before the shapes were kept has none). Immutable.
 *
 * @param seq the sequence value
 * @param shapes per table; in a catch-up target, only the tables that must be read again, with the re-read count
 *     the position must reach
 */
record TriggerOffset(long seq, Map<TableId, TableShape> shapes) implements Offset {

    static final String TAG = "trg:";

    TriggerOffset {
        shapes = Map.copyOf(shapes);
    }

    TriggerOffset(long seq) {
        this(seq, Map.of());
    }

    @Override
    public String encode() {
        StringBuilder text = new StringBuilder(TAG).append(seq);
        TableShape.encode(text, shapes);
        return text.toString();
    }

    static TriggerOffset decode(String encoded) {
        if (!encoded.startsWith(TAG)) {
            throw new IllegalArgumentException("expected a trigger capture offset '" + TAG + "<sequence>', got '"
                    + encoded + "': was it written by another source?");
        }
        try {
            String[] entries = encoded.substring(TAG.length()).split(";", -1);
            Map<TableId, TableShape> shapes = new HashMap<>();
            for (int i = 1; i < entries.length; i++) {
                if (!TableShape.decode(entries[i], shapes)) {
                    throw new IllegalArgumentException("unknown entry '" + entries[i] + "'");
                }
            }
            return new TriggerOffset(Long.parseLong(entries[0]), shapes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("damaged trigger capture offset '" + encoded + "': "
                    + e.getMessage(), e);
        }
    }

    /** At or past the other's sequence value, with every re-read the other asks for done. */
    @Override
    public boolean covers(Offset other) {
        if (!(other instanceof TriggerOffset that)) {
            throw new IllegalArgumentException("not a trigger capture offset: " + other);
        }
        return seq >= that.seq && TableShape.covers(shapes, that.shapes);
    }

    @Override
    public String toString() {
        return encode();
    }
}

package dev.sluice.capture;

import dev.sluice.Offset;

/**
 * The position of trigger capture: the change table's sequence value of the last change delivered (or passed
 * over). Changes with a higher sequence value are still to come. Immutable.
 */
record TriggerOffset(long seq) implements Offset {

    static final String TAG = "trg:";

    @Override
    public String encode() {
        return TAG + seq;
    }

    static TriggerOffset decode(String encoded) {
        if (!encoded.startsWith(TAG)) {
            throw new IllegalArgumentException("expected a trigger capture offset '" + TAG + "<sequence>', got '"
                    + encoded + "': was it written by another source?");
        }
        try {
            return new TriggerOffset(Long.parseLong(encoded.substring(TAG.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("damaged trigger capture offset '" + encoded + "'", e);
        }
    }

    @Override
    public boolean covers(dev.sluice.Offset other) {
        if (!(other instanceof TriggerOffset that)) {
            throw new IllegalArgumentException("not a trigger capture offset: " + other);
        }
        return seq >= that.seq;
    }
}

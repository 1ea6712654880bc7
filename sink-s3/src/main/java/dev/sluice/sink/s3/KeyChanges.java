package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import java.util.Objects;

/**
 * Updates that change a row's primary key. Readers rebuild a table as the last change per key, so such an update is
 * written as two rows: a delete of the old key (the before image), then the update under the new key. Stateless.
 */
final class KeyChanges {

    private KeyChanges() {}

    /**
     * True if the event is an update whose before image has a complete key that differs from the after image's. An
     * update without a before image, or whose before image lacks a key value, cannot show a key change.
     */
    static boolean changesKey(ChangeEvent event) {
        if (event.op() != Op.UPDATE || event.before() == null || !event.schema().hasKey()) {
            return false;
        }
        Row before = event.before();
        Row after = event.after();
        boolean differs = false;
        for (int index : event.schema().keyIndexes()) {
            Object old = before.get(index);
            if (old == null) {
                return false;
            }
            // deepEquals: a bytes key is a byte[]
            differs |= !Objects.deepEquals(old, after.get(index));
        }
        return differs;
    }

    /** The delete of the old key: the update's before image, source position, commit time and transaction. */
    static ChangeEvent deleteOfOldKey(ChangeEvent update) {
        return ChangeEvent.builder(Op.DELETE, update.table(), update.schema())
                .before(update.before())
                .offset(update.offset())
                .commitTime(update.commitTime())
                .transactionId(update.transactionId())
                .build();
    }
}

package dev.sluice.sink.jdbc;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.testkit.SeqOffset;
import java.time.Instant;

/** Synthetic events for one table, numbered by offset as they are made. */
final class Events {

    private final TableId table;
    private Schema schema;
    private long seq;

    Events(TableId table, Schema schema) {
        this.table = table;
        this.schema = schema;
    }

    Events schema(Schema next) {
        this.schema = next;
        return this;
    }

    ChangeEvent insert(Object... values) {
        return event(Op.INSERT).after(Row.of(values)).build();
    }

    ChangeEvent read(Object... values) {
        return event(Op.READ).after(Row.of(values)).build();
    }

    ChangeEvent update(Object... values) {
        return event(Op.UPDATE).after(Row.of(values)).build();
    }

    /** An update whose before image is given (for key changes). */
    ChangeEvent update(Object[] before, Object... after) {
        return event(Op.UPDATE).before(Row.of(before)).after(Row.of(after)).build();
    }

    /** An update with the listed columns unchanged (their values must be null). */
    ChangeEvent updateLeaving(int[] unchanged, Object... values) {
        ChangeEvent.Builder builder = event(Op.UPDATE).after(Row.of(values));
        for (int i : unchanged) {
            builder.unchanged(i);
        }
        return builder.build();
    }

    ChangeEvent delete(Object... before) {
        return event(Op.DELETE).before(Row.of(before)).build();
    }

    ChangeEvent truncate() {
        return event(Op.TRUNCATE).build();
    }

    long seq() {
        return seq;
    }

    private ChangeEvent.Builder event(Op op) {
        return ChangeEvent.builder(op, table, schema).offset(new SeqOffset(++seq)).commitTime(Instant.EPOCH);
    }
}

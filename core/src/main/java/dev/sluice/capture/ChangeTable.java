package dev.sluice.capture;

import dev.sluice.TableId;
import java.util.Objects;

/**
 * The change table trigger capture writes into and reads from: one per pipeline, in the captured database.
 *
 * <p>Every dialect gives it these columns: {@code seq} (a 64-bit sequence, the primary key), {@code op} (one of
 * {@code I}, {@code U}, {@code D}, {@code T}), {@code table_schema}, {@code table_name}, {@code tx} (the
 * transaction id as text, or null), {@code changed_at_us} (the writer's time in microseconds since the epoch),
 * {@code before_image} and {@code after_image} (the row as a JSON object, or null).
 *
 * @param table where the change table lives
 */
public record ChangeTable(TableId table) {

    /** The default name of the change table, in the namespace the dialect chooses. */
    public static final String DEFAULT_NAME = "sluice_changes";

    /**
     * Checks the table is given.
     *
     * @param table where the change table lives, not null
     */
    public ChangeTable {
        Objects.requireNonNull(table, "table");
    }

    /**
     * True if {@code other} is this change table (it is never captured itself).
     *
     * @param other any table, not null
     * @return true if it names the change table
     */
    public boolean is(TableId other) {
        return table.equals(other);
    }
}

package dev.sluice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One captured change of one row (or, for {@link Op#TRUNCATE}, of a whole table).
 *
 * <p>An event carries the {@link Schema} that was current when the change was made, the row images
 * ({@link #before()} where the source has it, {@link #after()}), the source {@link Offset} just after the change,
 * the time the source committed it, and the transaction id where the source knows one. Which images are present
 * depends on the operation:
 *
 * <table>
 *   <caption>Row images per operation</caption>
 *   <tr><th>op</th><th>before</th><th>after</th></tr>
 *   <tr><td>{@code READ}, {@code INSERT}</td><td>null</td><td>the row</td></tr>
 *   <tr><td>{@code UPDATE}</td><td>the old row where the source has it, else null</td><td>the new row</td></tr>
 *   <tr><td>{@code DELETE}</td><td>the old row, or at least its key (other columns null)</td><td>null</td></tr>
 *   <tr><td>{@code TRUNCATE}</td><td>null</td><td>null</td></tr>
 * </table>
 *
 * <p>An {@code UPDATE} may mark columns of its after image as {@linkplain #isUnchanged(int) unchanged}: the source
 * knows the value did not change but does not have it (PostgreSQL sends no value for an unchanged TOASTed column).
 * Such a column's after value is null, and the null means "keep the old value", not "set to NULL": a sink must not
 * overwrite the stored value with it, and must show readers that the value is absent.
 *
 * <p>Every value is checked against its column's {@link Type} when the event is built, so a source cannot hand a
 * sink a value of the wrong class, a decimal of the wrong scale, or a time finer than microseconds.
 *
 * <p>Immutable and thread-safe: events may be retained and shared between threads freely.
 */
public final class ChangeEvent {

    private final Op op;
    private final TableId table;
    private final Schema schema;
    private final Row before;
    private final Row after;
    private final Offset offset;
    private final Instant commitTime;
    private final String transactionId;
    private final BitSet unchanged;
    private final int estimatedSize;

    private ChangeEvent(Builder b) {
        this.op = Objects.requireNonNull(b.op, "op");
        this.table = Objects.requireNonNull(b.table, "table");
        this.schema = Objects.requireNonNull(b.schema, "schema");
        this.offset = Objects.requireNonNull(b.offset, "offset");
        this.commitTime = Objects.requireNonNull(b.commitTime, "commitTime");
        this.before = b.before;
        this.after = b.after;
        this.transactionId = b.transactionId;
        this.unchanged = b.unchanged == null ? null : (BitSet) b.unchanged.clone();
        checkImages();
        checkUnchanged();
        long size = 96 + estimate(before) + estimate(after)
                + (transactionId == null ? 0 : 40 + 2L * transactionId.length());
        this.estimatedSize = (int) Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * A builder for an event of this operation on this table, whose rows follow this schema.
     *
     * @param op the operation, not null
     * @param table the changed table, not null
     * @param schema the table's schema at the change, not null; the rows set on the builder must follow it
     * @return a new builder; not thread-safe
     */
    public static Builder builder(Op op, TableId table, Schema schema) {
        return new Builder(op, table, schema);
    }

    /**
     * The operation: a snapshot read, an insert, an update, a delete or a truncate.
     *
     * @return the operation, never null
     */
    public Op op() {
        return op;
    }

    /**
     * The table the change was made to.
     *
     * @return the table, never null
     */
    public TableId table() {
        return table;
    }

    /**
     * The table's schema when the change was made; {@link #before()} and {@link #after()} follow it.
     *
     * @return the schema, never null
     */
    public Schema schema() {
        return schema;
    }

    /**
     * The row before the change, or null (see the class description for when it is present).
     *
     * @return the before image, or null
     */
    public Row before() {
        return before;
    }

    /**
     * The row after the change, or null for deletes and truncates.
     *
     * @return the after image, or null for {@link Op#DELETE} and {@link Op#TRUNCATE}
     */
    public Row after() {
        return after;
    }

    /**
     * The source position just after this change: resuming from it starts with the next change.
     *
     * @return the offset to resume after this change from, never null
     */
    public Offset offset() {
        return offset;
    }

    /**
     * When the source committed the change. For {@link Op#READ} events it is the time the snapshot was taken;
     * a source that cannot know the commit time uses the time it captured the change.
     *
     * @return the commit time, never null
     */
    public Instant commitTime() {
        return commitTime;
    }

    /**
     * The source's transaction id, or null where the source has none.
     *
     * @return the transaction id as the source writes it, or null
     */
    public String transactionId() {
        return transactionId;
    }

    /**
     * True if column {@code index} of the after image is unchanged and its value absent (its after value is then
     * null, meaning "keep the old value"). Only updates have unchanged columns.
     *
     * @param index a column position of the schema, from 0
     * @return true if that column's after value is absent and must be kept as it was
     */
    public boolean isUnchanged(int index) {
        return unchanged != null && unchanged.get(index);
    }

    /**
     * True if any column of the after image is {@linkplain #isUnchanged(int) unchanged}.
     *
     * @return true if {@link #unchangedColumns()} is not empty
     */
    public boolean hasUnchanged() {
        return unchanged != null;
    }

    /**
     * The indexes of the {@linkplain #isUnchanged(int) unchanged} columns, ascending; empty if none.
     *
     * @return a new array of column positions, from 0; empty if none
     */
    public int[] unchangedColumns() {
        return unchanged == null ? new int[0] : unchanged.stream().toArray();
    }

    /**
     * A cheap estimate, in bytes, of the heap this event holds (its rows and values, not the shared schema).
     * Conservative: it may overstate, it should not understate by much. Used to bound memory in queues and
     * sinks; computed once when the event is built.
     *
     * @return the estimated heap size in bytes, positive
     */
    public int estimatedSize() {
        return estimatedSize;
    }

    /**
     * The row that identifies the changed row: {@link #after()} if present, else {@link #before()}.
     *
     * @return the after image, else the before image; null only for a truncate
     */
    public Row row() {
        return after != null ? after : before;
    }

    private void checkImages() {
        boolean wantsAfter = op == Op.READ || op == Op.INSERT || op == Op.UPDATE;
        boolean allowsBefore = op == Op.UPDATE || op == Op.DELETE;
        if (wantsAfter != (after != null)) {
            throw new IllegalArgumentException(
                    op + " event on " + table + (wantsAfter ? " needs an after image" : " takes no after image"));
        }
        if (op == Op.DELETE && before == null) {
            throw new IllegalArgumentException("DELETE event on " + table + " needs a before image (at least the key)");
        }
        if (!allowsBefore && before != null) {
            throw new IllegalArgumentException(op + " event on " + table + " takes no before image");
        }
        check(before, "before");
        check(after, "after");
    }

    private void checkUnchanged() {
        if (unchanged == null) {
            return;
        }
        if (op != Op.UPDATE) {
            throw new IllegalArgumentException(op + " event on " + table + " cannot have unchanged columns: only an "
                    + "UPDATE can leave a value out");
        }
        int last = unchanged.length() - 1;
        if (last >= schema.size()) {
            throw new IllegalArgumentException("unchanged column index " + last + " is outside the schema of " + table
                    + ", which has " + schema.size() + " columns");
        }
        for (int i = unchanged.nextSetBit(0); i >= 0; i = unchanged.nextSetBit(i + 1)) {
            if (after.get(i) != null) {
                throw new IllegalArgumentException("column '" + schema.column(i).name() + "' of " + table
                        + " is marked unchanged but has an after value; an unchanged column's after value is null");
            }
        }
    }

    private void check(Row row, String image) {
        if (row == null) {
            return;
        }
        if (row.size() != schema.size()) {
            throw new IllegalArgumentException("the " + image + " image of an event on " + table + " has "
                    + row.size() + " values but the schema has " + schema.size() + " columns: " + schema);
        }
        Object[] values = row.array();
        for (int i = 0; i < values.length; i++) {
            String reason = schema.column(i).type().rejection(values[i]);
            if (reason != null) {
                throw new IllegalArgumentException("column '" + schema.column(i).name() + "' of " + table + " ("
                        + image + " image): " + reason);
            }
        }
    }

    private static long estimate(Row row) {
        if (row == null) {
            return 0;
        }
        Object[] values = row.array();
        long size = 32 + 4L * values.length;
        for (Object value : values) {
            size += estimate(value);
        }
        return size;
    }

    private static long estimate(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            // two bytes a char: exact for non-Latin-1 text, an overstatement for the rest, never an understatement
            return 40 + 2L * s.length();
        }
        if (value instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        if (value instanceof Long || value instanceof Double) {
            return 24;
        }
        if (value instanceof Boolean || value instanceof Number && !(value instanceof BigDecimal)) {
            return 16;
        }
        if (value instanceof BigDecimal decimal) {
            int precision = decimal.precision();
            return precision <= 18 ? 40 : 96 + precision / 2;
        }
        if (value instanceof UUID) {
            return 32;
        }
        if (value instanceof List<?> list) {
            long size = 40 + 4L * list.size();
            for (Object element : list) {
                size += estimate(element);
            }
            return size;
        }
        // dates and times: small fixed-size objects (LocalDateTime, the largest, is about 72 bytes)
        return 72;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof ChangeEvent other
                        && op == other.op
                        && table.equals(other.table)
                        && schema.equals(other.schema)
                        && Objects.equals(before, other.before)
                        && Objects.equals(after, other.after)
                        && offset.equals(other.offset)
                        && commitTime.equals(other.commitTime)
                        && Objects.equals(transactionId, other.transactionId)
                        && Objects.equals(unchanged, other.unchanged);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, table, offset, before, after);
    }

    @Override
    public String toString() {
        return op + " " + table + " at " + offset.encode()
                + (before == null ? "" : " before=" + before)
                + (after == null ? "" : " after=" + after)
                + (unchanged == null ? "" : " unchanged=" + Arrays.toString(unchangedColumns()));
    }

    /** Builds one {@link ChangeEvent}. Not thread-safe; {@link #build()} checks everything. */
    public static final class Builder {
        private final Op op;
        private final TableId table;
        private final Schema schema;
        private Row before;
        private Row after;
        private Offset offset;
        private Instant commitTime;
        private String transactionId;
        private BitSet unchanged;

        private Builder(Op op, TableId table, Schema schema) {
            this.op = op;
            this.table = table;
            this.schema = schema;
        }

        /**
         * The row before the change: the old row (or at least its key) for a delete, the old row of an update where the
         * source has it, none otherwise (see the class description).
         *
         * @param before the before image, aligned to the schema, or null
         * @return this builder
         */
        public Builder before(Row before) {
            this.before = before;
            return this;
        }

        /**
         * The row after the change: required for reads, inserts and updates, absent for deletes and truncates.
         *
         * @param after the after image, aligned to the schema, or null
         * @return this builder
         */
        public Builder after(Row after) {
            this.after = after;
            return this;
        }

        /**
         * Required: the position just after this change.
         *
         * @param offset the offset, not null
         * @return this builder
         */
        public Builder offset(Offset offset) {
            this.offset = offset;
            return this;
        }

        /**
         * Required: see {@link ChangeEvent#commitTime()}.
         *
         * @param commitTime the commit time, not null
         * @return this builder
         */
        public Builder commitTime(Instant commitTime) {
            this.commitTime = commitTime;
            return this;
        }

        /**
         * The source's transaction id, where it has one; optional.
         *
         * @param transactionId the id as the source writes it, or null
         * @return this builder
         */
        public Builder transactionId(String transactionId) {
            this.transactionId = transactionId;
            return this;
        }

        /**
         * Marks column {@code index} of an update's after image as unchanged and absent (see
         * {@link ChangeEvent#isUnchanged(int)}); its after value must be null.
         *
         * @param index a column position of the schema, from 0
         * @return this builder
         */
        public Builder unchanged(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("column index must not be negative, was " + index);
            }
            if (unchanged == null) {
                unchanged = new BitSet();
            }
            unchanged.set(index);
            return this;
        }

        /**
         * The event.
         *
         * @return the immutable event
         * @throws NullPointerException if the op, table, schema, offset or commit time is missing
         * @throws IllegalArgumentException if the row images do not fit the operation, a row's width differs
         *     from the schema's, a value does not fit its column's type, or an unchanged column is not a null
         *     value of an update's after image
         */
        public ChangeEvent build() {
            return new ChangeEvent(this);
        }
    }
}

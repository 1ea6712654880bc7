package dev.sluice;

/**
 * The kind of change a {@link ChangeEvent} carries.
 *
 * <p>Each operation has a one-letter {@link #code() code} that sinks write as metadata (for example the
 * Parquet sink's {@code _op} column) and that {@link #fromCode(char)} reads back.
 */
public enum Op {
    /** A row read by an initial snapshot, not a change: {@code after} holds the row. */
    READ('r'),
    /** A row was inserted: {@code after} holds it. */
    INSERT('c'),
    /** A row was updated: {@code after} holds the new row, {@code before} the old one where the source has it. */
    UPDATE('u'),
    /** A row was deleted: {@code before} holds at least its key. */
    DELETE('d'),
    /** Every row of the table was removed at once: neither {@code before} nor {@code after} is set. */
    TRUNCATE('t');

    private final char code;

    Op(char code) {
        this.code = code;
    }

    /**
     * The one-letter code of this operation: {@code r}, {@code c}, {@code u}, {@code d} or {@code t}.
     *
     * @return the operation's code
     */
    public char code() {
        return code;
    }

    /**
     * The operation with the given one-letter code.
     *
     * @param code one of {@code r}, {@code c}, {@code u}, {@code d}, {@code t}
     * @return the operation with that code
     * @throws IllegalArgumentException if no operation has that code
     */
    public static Op fromCode(char code) {
        for (Op op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation code '" + code + "': expected one of r, c, u, d, t");
    }
}

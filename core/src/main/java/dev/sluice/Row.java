package dev.sluice;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The values of one row, positionally aligned with the columns of a {@link Schema}.
 *
 * <p>A value is null or an instance of its column type's {@link Type#javaType() Java class}. Rows are immutable
 * once built: {@link #of(Object...)} takes ownership of the array it is given, and the values themselves
 * (including {@code byte[]}) must not be modified afterwards. Thread-safe under that rule.
 */
public final class Row {

    private final Object[] values;

    private Row(Object[] values) {
        this.values = values;
    }

    /**
     * A row of these values. The array is not copied: the caller hands it over and must not change it.
     *
     * @param values the values, aligned to the table's schema; taken over, not copied
     * @return the row
     */
    public static Row of(Object... values) {
        return new Row(Objects.requireNonNull(values, "values"));
    }

    /**
     * The number of values.
     *
     * @return the number of values, equal to the schema's number of columns
     */
    public int size() {
        return values.length;
    }

    /**
     * The value at a position: null, or an instance of that column's Java type.
     *
     * @param index a column position, from 0
     * @return the value, or null
     */
    public Object get(int index) {
        return values[index];
    }

    /**
     * The value of the named column of {@code schema}, which must be the schema this row belongs to.
     *
     * @param schema the row's schema, not null
     * @param column the column's name, exactly as in the schema
     * @return the value, or null
     * @throws IllegalArgumentException if the schema has no such column
     */
    public Object get(Schema schema, String column) {
        int index = schema.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + schema);
        }
        return values[index];
    }

    /**
     * The values as an unmodifiable list (nulls included).
     *
     * @return an unmodifiable view of the values
     */
    public List<Object> values() {
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** Values compared with {@link Arrays#deepEquals}, so {@code byte[]} values compare by content. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Row other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ", ");
            Object value = values[i];
            if (value instanceof byte[] bytes) {
                int shown = Math.min(bytes.length, 16);
                text.append("0x").append(HexFormat.of().formatHex(bytes, 0, shown));
                if (shown < bytes.length) {
                    text.append("…(").append(bytes.length).append(" bytes)");
                }
            } else {
                text.append(value);
            }
        }
        return text.append(']').toString();
    }

    Object[] array() {
        return values;
    }
}

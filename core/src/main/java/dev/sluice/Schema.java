package dev.sluice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The columns of a table at one point in its history, and which of them form its key.
 *
 * <p>Every {@link ChangeEvent} carries the schema that was current when its change was made; a schema change
 * shows up as events carrying a new, unequal schema. Schemas are compared by value, but sources should reuse one
 * instance per table version, so that sinks can compare them by identity on the hot path.
 *
 * <p>Immutable and thread-safe.
 */
public final class Schema {

    private final List<Column> columns;
    private final int[] keyIndexes;
    private final Map<String, Integer> indexByName;
    private final int hash;

    private Schema(List<Column> columns, List<String> keyColumns) {
        this.columns = List.copyOf(columns);
        this.indexByName = new HashMap<>(columns.size() * 2);
        for (int i = 0; i < this.columns.size(); i++) {
            String name = this.columns.get(i).name();
            if (indexByName.put(name, i) != null) {
                throw new IllegalArgumentException("column '" + name + "' appears twice in the schema");
            }
        }
        this.keyIndexes = new int[keyColumns.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            Integer index = indexByName.get(keyColumns.get(i));
            if (index == null) {
                throw new IllegalArgumentException(
                        "key column '" + keyColumns.get(i) + "' is not among the columns " + names());
            }
            keyIndexes[i] = index;
        }
        if (Arrays.stream(keyIndexes).distinct().count() != keyIndexes.length) {
            throw new IllegalArgumentException("a key column is named twice in " + keyColumns);
        }
        this.hash = 31 * this.columns.hashCode() + Arrays.hashCode(keyIndexes);
    }

    /**
     * A schema of the given columns, in order, whose key is the named columns, in key order.
     *
     * @param columns the columns, in row order, not null; copied
     * @return the immutable schema
     * @param keyColumns the names of the primary key columns; empty when the table has no key
     * @throws IllegalArgumentException if a column name repeats or a key column is not among the columns
     */
    public static Schema of(List<Column> columns, List<String> keyColumns) {
        return new Schema(columns, keyColumns);
    }

    /**
     * A builder that adds columns in order.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The columns, in the order of the values in every {@link Row} of this schema.
     *
     * @return the columns, unmodifiable
     */
    public List<Column> columns() {
        return columns;
    }

    /**
     * The number of columns.
     *
     * @return the number of columns
     */
    public int size() {
        return columns.size();
    }

    /**
     * The column at a position.
     *
     * @param index a column position, from 0 to {@link #size()} - 1
     * @return the column
     */
    public Column column(int index) {
        return columns.get(index);
    }

    /**
     * The position of the named column, or -1 if there is none.
     *
     * @param name the column's name, exactly as the source reports it (case-sensitive)
     * @return the position, from 0, or -1
     */
    public int indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /**
     * The key columns, in key order; empty when the table has no key.
     *
     * @return the key columns, unmodifiable; empty without a key
     */
    public List<Column> keyColumns() {
        List<Column> key = new ArrayList<>(keyIndexes.length);
        for (int index : keyIndexes) {
            key.add(columns.get(index));
        }
        return key;
    }

    /**
     * The positions of the key columns, in key order (a copy).
     *
     * @return a new array of column positions, from 0
     */
    public int[] keyIndexes() {
        return keyIndexes.clone();
    }

    /**
     * True if the table has a key.
     *
     * @return true if {@link #keyColumns()} is not empty
     */
    public boolean hasKey() {
        return keyIndexes.length > 0;
    }

    private List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof Schema other
                        && hash == other.hash
                        && columns.equals(other.columns)
                        && Arrays.equals(keyIndexes, other.keyIndexes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            text.append(i == 0 ? "" : ", ").append(column.name()).append(' ').append(column.type());
            if (!column.nullable()) {
                text.append(" not null");
            }
        }
        text.append(")");
        if (hasKey()) {
            text.append(" key ").append(keyColumns().stream().map(Column::name).toList());
        }
        return text.toString();
    }

    /** Collects columns and a key for a {@link Schema}. Not thread-safe. */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private final List<String> key = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a column.
         *
         * @param column the column, not null
         * @return this builder
         */
        public Builder column(Column column) {
            columns.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /**
         * Adds a nullable column.
         *
         * @param name the column's name, not null or empty
         * @param type its logical type, not null
         * @return this builder
         */
        public Builder column(String name, Type type) {
            return column(Column.of(name, type));
        }

        /**
         * Sets the key columns, in key order.
         *
         * @param columnNames the names of columns added before or after this call; none for a table without key
         * @return this builder
         */
        public Builder key(String... columnNames) {
            key.clear();
            key.addAll(Arrays.asList(columnNames));
            return this;
        }

        /**
         * The schema; see {@link Schema#of(List, List)} for what is checked.
         *
         * @return the immutable schema
         */
        public Schema build() {
            return new Schema(columns, key);
        }
    }
}

package dev.sluice;

import java.util.Objects;

/**
 * One column of a {@link Schema}: its name, logical {@link Type}, whether it may hold null, and the type the
 * source database declared it with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the column name exactly as the source reports it; never empty
 * @param type the logical type its values have
 * @param nullable whether the source allows null in this column
 * @param sourceType the source's own type name (for example {@code numeric(38,10)} or {@code geometry}), or null
 *     when unknown; for {@link Type#UNKNOWN} columns it is required, since it is the only record of what the
 *     text value means
 */
public record Column(String name, Type type, boolean nullable, String sourceType) {

    /**
     * Checks the name and type, and that an {@code UNKNOWN} column says what its source type was.
     *
     * @param name the column name, not null or empty
     * @param type the logical type, not null
     * @param nullable whether null values are allowed
     * @param sourceType the source's type name, or null; required for {@link Type#UNKNOWN}
     */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a column name must not be empty");
        }
        if (type.kind() == Type.Kind.UNKNOWN && (sourceType == null || sourceType.isEmpty())) {
            throw new IllegalArgumentException(
                    "column '" + name + "' has type unknown, so it must name its source type");
        }
    }

    /**
     * A nullable column without a recorded source type.
     *
     * @param name the column name, not null or empty
     * @param type the logical type, not null; not {@link Type#UNKNOWN}, which needs a source type
     * @return the column
     */
    public static Column of(String name, Type type) {
        return new Column(name, type, true, null);
    }

    /**
     * This column, declared NOT NULL.
     *
     * @return a copy of this column with {@code nullable} false
     */
    public Column notNull() {
        return new Column(name, type, false, sourceType);
    }

    /**
     * This column, with the source's type name recorded.
     *
     * @param sourceType the source's type name, e.g. {@code numeric(38,10)}; null for unknown
     * @return a copy of this column with that source type
     */
    public Column withSourceType(String sourceType) {
        return new Column(name, type, nullable, sourceType);
    }
}

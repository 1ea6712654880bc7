package dev.sluice;

import java.util.Objects;

/**
 * Names a captured table: its namespace (the PostgreSQL schema, the MySQL database, the MongoDB
 * database) and its name (the table or collection).
 *
 * <p>Names are kept exactly as the database reports them, case and all; nothing is quoted or folded.
 * Immutable and thread-safe.
 *
 * @param namespace the schema or database the table lives in; never empty
 * @param name the table or collection name; never empty
 */
public record TableId(String namespace, String name) {

    /**
     * Checks that neither part is null or empty.
     *
     * @param namespace the schema or database, not null or empty
     * @param name the table or collection, not null or empty
     * @throws IllegalArgumentException if a part is empty
     */
    public TableId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "a table id needs a non-empty namespace and name, got '" + namespace + "' and '" + name + "'");
        }
    }

    /**
     * Shorthand for {@code new TableId(namespace, name)}.
     *
     * @param namespace the schema or database, not null or empty
     * @param name the table or collection, not null or empty
     * @return the table id
     * @throws IllegalArgumentException if a part is empty
     */
    public static TableId of(String namespace, String name) {
        return new TableId(namespace, name);
    }

    /** {@code namespace.name}, unquoted: for messages and logs, not for SQL. */
    @Override
    public String toString() {
        return namespace + "." + name;
    }
}

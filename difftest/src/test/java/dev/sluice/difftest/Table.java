package dev.sluice.difftest;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated table as the generator knows it now (columns change with DDL) and the keys its committed rows have.
 * Keys are kept as lists of SQL literals, one per key column.
 */
final class Table {

    /** A column: its name, type, whether it may be NULL, is part of the key, or is filled by the server. */
    record Col(String name, ColumnType type, boolean nullable, boolean key, boolean server) {}

    final String name;
    /** The schema, or null for the source's default (PostgreSQL {@code public}, the MariaDB test database). */
    final String namespace;
    final List<Col> columns = new ArrayList<>();
    List<List<String>> keys = new ArrayList<>();

    Table(String name) {
        this(null, name);
    }

    Table(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    /** The table in SQL: quoted, and qualified when it is not in the default schema. */
    String ref(Db db) {
        return namespace == null ? db.quote(name) : db.quote(namespace) + "." + db.quote(name);
    }

    /** For messages: {@code schema.table} or {@code table}. */
    String label() {
        return namespace == null ? name : namespace + "." + name;
    }

    List<Col> keyColumns() {
        return columns.stream().filter(Col::key).toList();
    }

    /** Columns a statement writes: not the server-filled ones. */
    List<Col> writable() {
        return columns.stream().filter(c -> !c.server()).toList();
    }

    Col column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}

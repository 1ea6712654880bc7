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
    final List<Col> columns = new ArrayList<>();
    List<List<String>> keys = new ArrayList<>();

    Table(String name) {
        this.name = name;
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

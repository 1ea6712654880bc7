package dev.sluice.sink.jdbc;

import dev.sluice.TableId;
import java.util.function.Function;

/** A {@link TableNaming} that says in messages which one it is, e.g. {@code sameName()}. Immutable. */
final class NamedTableNaming implements TableNaming {

    private final String description;
    private final Function<TableId, String> function;

    NamedTableNaming(String description, Function<TableId, String> function) {
        this.description = description;
        this.function = function;
    }

    @Override
    public String targetName(TableId table) {
        return function.apply(table);
    }

    @Override
    public String toString() {
        return description;
    }
}

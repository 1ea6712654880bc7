package dev.sluice.sink.jdbc;

import dev.sluice.TableId;
import java.util.Objects;
import java.util.function.Function;

/**
 * Names the target table of a captured table. The name is used as it is returned: quoted, never case-folded, so
 * {@code Orders} and {@code orders} are different tables on PostgreSQL.
 *
 * <p>Implementations must be pure functions (same table, same name) and thread-safe; the sink calls them once per
 * table each time it opens.
 */
@FunctionalInterface
public interface TableNaming {

    /** The target table name for a captured table; never null or empty. */
    String targetName(TableId table);

    /** The captured table's own name, without its namespace: {@code shop.orders} becomes {@code orders}. */
    static TableNaming sameName() {
        return TableId::name;
    }

    /** The captured table's name behind a prefix: {@code prefix("cdc_")} turns {@code shop.orders} into {@code cdc_orders}. */
    static TableNaming prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return table -> prefix + table.name();
    }

    /** Namespace and name joined by {@code _}: {@code shop.orders} becomes {@code shop_orders}. */
    static TableNaming namespaceAndName() {
        return table -> table.namespace() + "_" + table.name();
    }

    /** Any mapping of your own, e.g. {@code TableNaming.of(t -> t.name().toLowerCase(Locale.ROOT))}. */
    static TableNaming of(Function<TableId, String> function) {
        Objects.requireNonNull(function, "function");
        return function::apply;
    }
}

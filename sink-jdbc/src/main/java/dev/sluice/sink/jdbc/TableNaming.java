package dev.sluice.sink.jdbc;

import dev.sluice.TableId;
import java.util.Objects;
import java.util.function.Function;

/**
 * Names the target table of a captured table. The name is used as it is returned: quoted, never case-folded, so
 * {@code Orders} and {@code orders} are different tables on PostgreSQL.
 *
 * <p>Two captured tables must never share a target table: their rows would overwrite each other. The sink checks
 * this: a second captured table that maps to a target table already used by another one in the same run, or to a
 * table the sink created for another captured table (it records the source in the table's comment), stops the
 * pipeline with a {@link dev.sluice.FatalException} that names both tables and the fix. {@link #sameName()} (the
 * default) keeps names short and is right while every captured table name is unique across namespaces; with
 * same-named tables in several schemas or databases, use {@link #namespaceAndName()}.
 *
 * <p>Implementations must be pure functions (same table, same name) and thread-safe; the sink calls them once per
 * table each time it opens.
 */
@FunctionalInterface
public interface TableNaming {

    /**
     * The target table name for a captured table; never null or empty.
     *
     * @param table the captured table, never null
     * @return the unquoted target table name, used as is (case kept)
     */
    String targetName(TableId table);

    /**
     * The captured table's own name, without its namespace: {@code shop.orders} becomes {@code orders}.
     *
     * @return the naming that keeps the captured table's name
     */
    static TableNaming sameName() {
        return new NamedTableNaming("sameName()", TableId::name);
    }

    /**
     * The captured table's name behind a prefix: {@code prefix("cdc_")} turns {@code shop.orders} into
     * {@code cdc_orders}.
     *
     * @param prefix put in front of every table name, not null; may be empty
     * @return the naming that prefixes the captured table's name
     */
    static TableNaming prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new NamedTableNaming("prefix(\"" + prefix + "\")", table -> prefix + table.name());
    }

    /**
     * Namespace and name joined by {@code _}: {@code shop.orders} becomes {@code shop_orders}. Keeps same-named
     * tables of different schemas or databases apart.
     *
     * @return the naming that joins namespace and name
     */
    static TableNaming namespaceAndName() {
        return new NamedTableNaming("namespaceAndName()", table -> table.namespace() + "_" + table.name());
    }

    /**
     * Any mapping of your own, e.g. {@code TableNaming.of(t -> t.name().toLowerCase(Locale.ROOT))}.
     *
     * @param function maps a captured table to its target name, not null; must be pure, thread-safe and never return
     *     null or an empty name
     * @return a naming that calls the function
     */
    static TableNaming of(Function<TableId, String> function) {
        Objects.requireNonNull(function, "function");
        return new NamedTableNaming("TableNaming.of(…) (your own)", function);
    }
}

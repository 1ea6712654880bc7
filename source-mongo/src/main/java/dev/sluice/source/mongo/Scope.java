package dev.sluice.source.mongo;

import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.util.Set;

/**
 * What a source watches: one collection, one database, or the whole deployment, narrowed by a table filter on
 * {@code db.collection}. Immutable.
 *
 * @param database the database, or null for the whole deployment
 * @param collection the collection, or null for a whole database (or the deployment)
 * @param filter include and exclude patterns on {@code db.collection}
 */
record Scope(String database, String collection, TableFilter filter) {

    /** Databases a deployment-wide source never copies: MongoDB's own. */
    static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

    boolean isCollection() {
        return collection != null;
    }

    boolean isDatabase() {
        return database != null && collection == null;
    }

    /** True if changes to this collection are captured. */
    boolean captures(TableId table) {
        if (database != null && !database.equals(table.namespace())) {
            return false;
        }
        if (collection != null && !collection.equals(table.name())) {
            return false;
        }
        if (database == null && SYSTEM_DATABASES.contains(table.namespace())) {
            return false;
        }
        return !table.name().startsWith("system.") && filter.test(table);
    }

    /** The oplog namespace filter of this scope, as a regular expression on {@code ns}, for finding a head. */
    String namespacePattern() {
        if (collection != null) {
            return "^" + java.util.regex.Pattern.quote(database + "." + collection) + "$";
        }
        return database != null ? "^" + java.util.regex.Pattern.quote(database + ".") : "";
    }

    @Override
    public String toString() {
        String where = collection != null ? "collection " + database + "." + collection
                : database != null ? "database " + database : "the whole deployment";
        return where + (filter.equals(TableFilter.all()) ? "" : " (" + filter + ")");
    }
}

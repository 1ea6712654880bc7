package dev.sluice.source.mongo;

import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.FilterStamp;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    /**
     * What this scope selects, as offsets record it: {@code <database>/<collection>/<filter stamp>}, each part
     * URL-encoded (empty for a null database or collection), so the text holds no {@code :}, {@code ;} or {@code $}.
     * Two scopes with the same stamp select the same collections. The filter is recorded as {@link FilterStamp}
     * does: by its hash only when its text is long.
     */
    String stamp() {
        return encode(database) + "/" + encode(collection) + "/" + encode(FilterStamp.of(filter).encode());
    }

    /**
     * The scope a {@link #stamp()} records, or null if its filter was recorded by its hash only (so what it selected
     * cannot be told).
     *
     * @throws IllegalArgumentException if the text is not a stamp
     */
    static Scope ofStamp(String stamp) {
        String[] parts = stamp.split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a scope stamp: '" + stamp + "'");
        }
        TableFilter filter = FilterStamp.decode(decode(parts[2])).filter();
        return filter == null ? null : new Scope(decode(parts[0]), decode(parts[1]), filter);
    }

    private static String encode(String part) {
        return part == null ? "" : URLEncoder.encode(part, StandardCharsets.UTF_8);
    }

    private static String decode(String part) {
        return part.isEmpty() ? null : URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String where = collection != null ? "collection " + database + "." + collection
                : database != null ? "database " + database : "the whole deployment";
        return where + (filter.equals(TableFilter.all()) ? "" : " (" + filter + ")");
    }
}

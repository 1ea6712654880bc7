package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables a binlog stream captures when it opens, checked as {@code PostgresSource} checks its own: a filter that
 * matches no table, or that names (without a wildcard) a table that does not exist, is a configuration mistake and
 * stops the pipeline at once rather than capturing nothing. Stateless.
 */
final class CapturedTables {

    private CapturedTables() {}

    /**
     * The captured tables.
     *
     * @throws FatalException if none matches, or a table named without wildcards does not exist
     */
    static List<TableId> check(Connection c, TableFilter filter, String address) throws SQLException {
        List<TableId> tables = InfoSchema.tables(c, filter);
        if (tables.isEmpty()) {
            throw new FatalException("no table of " + address + " matches " + filter + ". Fix the source's tables(...)"
                    + " filter (database.table patterns), or create the tables first.");
        }
        List<String> missing = new ArrayList<>();
        for (String pattern : filter.includes()) {
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0
                    && tables.stream().noneMatch(t -> t.toString().equals(pattern))) {
                missing.add(pattern);
            }
        }
        if (!missing.isEmpty()) {
            throw new FatalException("the source's tables(...) filter names " + String.join(", ", missing) + ", which "
                    + (missing.size() == 1 ? "does" : "do") + " not exist at " + address + " (or the user may not see"
                    + " them). Fix the names (database.table, case-sensitive), GRANT SELECT on them, or create them"
                    + " first.");
        }
        return tables;
    }
}

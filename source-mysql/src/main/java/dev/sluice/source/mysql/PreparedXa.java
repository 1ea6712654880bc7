package dev.sluice.source.mysql;

import dev.sluice.ChangeEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XA transactions prepared in the binlog and not yet committed or rolled back, with their captured rows, which are
 * delivered only at their {@code XA COMMIT} (an {@code XA ROLLBACK} drops them). Their start positions travel in
 * every offset, so a restart reads them again. Rows are held in memory until the commit. Not thread-safe.
 */
final class PreparedXa {

    private record Prepared(String start, List<ChangeEvent> rows) {}

    private final Map<String, Prepared> byXid = new LinkedHashMap<>();
    private List<String> starts = List.of();

    /** A transaction that started at {@code start} ({@code file:position}) was prepared with these rows. */
    void prepared(String xid, String start, List<ChangeEvent> rows) {
        byXid.put(xid, new Prepared(start, List.copyOf(rows)));
        starts = byXid.values().stream().map(Prepared::start).toList();
    }

    /** The transaction was committed or rolled back: its rows, or null if it was not prepared here. */
    List<ChangeEvent> resolve(String xid) {
        Prepared p = byXid.remove(xid);
        if (p == null) {
            return null;
        }
        starts = byXid.values().stream().map(Prepared::start).toList();
        return p.rows();
    }

    /** Where the pending transactions start, oldest first. */
    List<String> starts() {
        return starts;
    }

    /** The XA identifier in the text of an XA statement: what follows its verb, without a trailing ONE PHASE. */
    static String xid(String sql, String verb) {
        String rest = sql.trim().substring(verb.length()).trim();
        if (rest.regionMatches(true, Math.max(0, rest.length() - 9), "ONE PHASE", 0, 9)) {
            rest = rest.substring(0, rest.length() - 9).trim();
        }
        return rest;
    }

    static List<ChangeEvent> newRows() {
        return new ArrayList<>();
    }
}

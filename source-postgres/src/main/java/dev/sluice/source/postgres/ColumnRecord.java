package dev.sluice.source.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the captured tables' columns were when the stream last checked them, kept in the comment of the source's own
 * publication, so that a restart sees a column change made while no stream ran (a migration run between a stop and
 * a start) even when the stream has no change of the table to show it: pgoutput carries no DDL, and without this
 * record the restarted stream would take the catalog's columns as the ones the sinks have.
 *
 * <p>Per table (by OID): a hash of its columns (names, types, modifiers), its storage ({@code relfilenode}) and a
 * hash of its column rows' versions, compared as {@link ColumnWatcher} compares two checks. The record is written
 * after the markers of the changes a check found are committed: a restart then either meets those markers in the
 * log, or sees the difference against the older record and writes them again (a second read, never none).
 *
 * <p>Text: {@code sluice-columns v1} then one line per table, {@code <oid> <columns hash> <relfilenode> <versions
 * hash>}. A comment in any other form is not Sluice's: it is neither read nor overwritten (a warning says so once).
 * Used on the capture thread only, over the stream's metadata connection.
 */
final class ColumnRecord {

    private static final Logger log = LoggerFactory.getLogger(ColumnRecord.class);
    private static final String HEADER = "sluice-columns v1";

    /** One table's columns as recorded. */
    record Entry(String columns, long relfilenode, String versions) {

        static Entry of(ColumnWatcher.State state) {
            StringBuilder text = new StringBuilder();
            for (RelationInfo.ColumnDef column : state.shape().columns()) {
                text.append(column.name()).append('\0').append(column.typeOid()).append('\0')
                        .append(column.typmod()).append('\n');
            }
            return new Entry(hash(text.toString()), state.relfilenode(), hash(state.versions()));
        }

        /** What changed from {@code recorded} to this, as ColumnWatcher would say it, or null if nothing did. */
        String changedSince(Entry recorded) {
            if (!columns.equals(recorded.columns)) {
                return "its columns changed (renamed, added, dropped or retyped)";
            }
            if (relfilenode != recorded.relfilenode && !versions.equals(recorded.versions)) {
                return "it was rewritten by an ALTER TABLE of its columns (a type change with USING, or a volatile"
                        + " default)";
            }
            return null;
        }
    }

    private final Connection connection;
    private final String publication;
    private String written;
    private boolean foreign;

    ColumnRecord(Connection connection, String publication) {
        this.connection = connection;
        this.publication = publication;
    }

    /** The recorded tables by OID; empty if nothing was recorded yet (a first start, or an older version's slot). */
    Map<Long, Entry> load() throws SQLException {
        String comment;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT obj_description(oid, 'pg_publication') FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                comment = rs.next() ? rs.getString(1) : null;
            }
        }
        Map<Long, Entry> entries = new HashMap<>();
        if (comment == null) {
            return entries;
        }
        String[] lines = comment.split("\n");
        if (!lines[0].equals(HEADER)) {
            foreign("its comment is not a column record of Sluice's");
            return entries;
        }
        for (int i = 1; i < lines.length; i++) {
            String[] parts = lines[i].split(" ");
            if (parts.length != 4) {
                log.warn("publication {}: line {} of its column record is damaged ('{}'); that table's columns are"
                        + " taken as they are now", publication, i + 1, lines[i]);
                continue;
            }
            entries.put(Long.parseLong(parts[0]), new Entry(parts[1], Long.parseLong(parts[2]), parts[3]));
        }
        written = comment;
        return entries;
    }

    /**
     * Loads the record and compares it with the catalog now: what changed per table (see
     * {@link Entry#changedSince}), for the tables both know.
     */
    Map<Long, String> changes(Map<Long, ColumnWatcher.State> now) throws SQLException {
        Map<Long, Entry> recorded = load();
        Map<Long, String> changes = new HashMap<>();
        now.forEach((oid, state) -> {
            Entry before = recorded.get(oid);
            String change = before == null ? null : Entry.of(state).changedSince(before);
            if (change != null) {
                changes.put(oid, change);
            }
        });
        return changes;
    }

    /** Records the tables' columns as {@code states} say, if that differs from the last record written. */
    void write(Map<Long, ColumnWatcher.State> states) throws SQLException {
        if (foreign) {
            return;
        }
        StringBuilder text = new StringBuilder(HEADER);
        new TreeMap<>(states).forEach((oid, state) -> {
            Entry entry = Entry.of(state);
            text.append('\n').append(oid).append(' ').append(entry.columns).append(' ').append(entry.relfilenode)
                    .append(' ').append(entry.versions);
        });
        String comment = text.toString();
        if (comment.equals(written)) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            // the text holds digits, hex and spaces only: nothing to escape
            s.execute("COMMENT ON PUBLICATION " + Catalog.quote(publication) + " IS '" + comment + "'");
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            foreign("the source's user does not own it (" + e.getMessage() + ")");
            return;
        }
        written = comment;
    }

    private void foreign(String why) {
        foreign = true;
        log.warn("publication {}: {}, so the captured tables' columns are not recorded there, and a column change made"
                + " while no stream runs (with no change of the table after the pipeline's offset) is not seen at the"
                + " next start. Fix: let the source create and own its publication, or backfill such a table after"
                + " the change (pipeline.backfill)", publication, why);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

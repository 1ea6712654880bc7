package dev.sluice.capture;

import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps trigger capture honest about its tables while it runs, for what no trigger records:
 *
 * <ul>
 *   <li>a table that matches the filter but has no capture triggers (created after {@code install()}, dropped and
 *       created again, triggers dropped or disabled): while it is empty nothing is lost and it is waited for; once
 *       it holds rows, they were written without being recorded, and capture stops;</li>
 *   <li>a table that keeps its name but is another table now (dropped and created again, and on MySQL/MariaDB
 *       also truncated or rebuilt, which changes InnoDB's table id): its old rows are still in the targets, and
 *       capture stops;</li>
 *   <li>a table that gets its triggers while capture runs is captured from then on (and read whole first, with
 *       an initial load: see {@link TriggerStream}).</li>
 * </ul>
 *
 * Used by one {@link TriggerStream} on its own connection; not thread-safe.
 */
final class TableWatch {

    private static final Logger LOG = LoggerFactory.getLogger(TableWatch.class);

    private final JdbcCaptureSource source;
    private final ChangeTable changeTable;
    private final Map<TableId, Long> identities = new HashMap<>();
    private final Map<TableId, Long> dropped = new HashMap<>();
    private final Set<TableId> waitingFor = new HashSet<>();
    /** The tables the stream's offset knows: the targets have them. */
    private final Set<TableId> known;

    TableWatch(JdbcCaptureSource source, ChangeTable changeTable, Set<TableId> known) {
        this.source = source;
        this.changeTable = changeTable;
        this.known = Set.copyOf(known);
    }

    /**
     * The first look, when the stream opens: every table the filter chooses must have its triggers, and their
     * identities become the reference.
     *
     * @return the captured tables and their schemas
     * @throws FatalException if a chosen table holds rows but has no triggers
     */
    Map<TableId, Schema> open(Connection connection) throws SQLException {
        Map<TableId, Schema> schemas = new HashMap<>();
        check(connection, schemas);
        return schemas;
    }

    /**
     * Looks again: adds the tables that got their triggers to {@code schemas}, and stops capture where changes
     * were lost (see the class description).
     */
    void check(Connection connection, Map<TableId, Schema> schemas) throws SQLException {
        CaptureDialect d = source.dialect;
        List<TableId> tables = source.capturedTables(connection, changeTable);
        Set<TableId> untriggered = new HashSet<>(d.tablesWithoutTriggers(connection, changeTable, tables));
        Map<TableId, Long> now = d.tableIdentities(connection, tables);
        for (TableId table : tables) {
            Long was = identities.containsKey(table) ? identities.get(table) : dropped.get(table);
            Long is = now.get(table);
            if (was != null && is != null && !was.equals(is)) {
                throw replaced(table);
            }
            if (untriggered.contains(table)) {
                if (hasRows(connection, table)) {
                    throw untriggered(table, schemas.containsKey(table) || identities.containsKey(table),
                            known.contains(table));
                }
                if (waitingFor.add(table)) {
                    LOG.warn("{} matches the table filter of trigger capture but has no capture triggers yet: run "
                            + "install() before writing to it (its rows are not captured until then)", table);
                }
                continue;
            }
            waitingFor.remove(table);
            if (!schemas.containsKey(table)) {
                Schema schema = d.schema(connection, table);
                if (schema != null) {
                    schemas.put(table, schema);
                    if (!identities.isEmpty() || !now.isEmpty()) {
                        LOG.info("trigger capture now captures {}", table);
                    }
                }
            }
            if (is != null) {
                identities.put(table, is);
                dropped.remove(table);
            }
        }
        for (TableId table : new ArrayList<>(identities.keySet())) {
            if (!tables.contains(table)) {
                // gone (dropped, renamed, or no longer chosen): if a table of that name comes back, it is another
                dropped.put(table, identities.remove(table));
            }
        }
    }

    private boolean hasRows(Connection connection, TableId table) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM " + source.dialect.qualify(table) + " LIMIT 1")) {
            return rs.next();
        }
    }

    private FatalException untriggered(TableId table, boolean wasCaptured, boolean inTargets) {
        String problem = table + " matches the table filter of trigger capture but has no capture triggers"
                + (wasCaptured ? " any more (dropped and created again, or its triggers were dropped or disabled)"
                        : inTargets ? " (captured before: its triggers were dropped, or it was created again)"
                        : " (created after install(), or newly chosen by the filter)")
                + ", and it holds rows that were written without being recorded. ";
        if (!wasCaptured && !inTargets && source.initialLoad) {
            // new to the offset: the initial load reads it at the restart (TriggerStream)
            return new FatalException(problem + "Fix: run install() (the CLI's install command) to add the "
                    + "triggers, then restart: the initial load reads the rows it holds; or leave the table out of "
                    + "the filter.");
        }
        return new FatalException(problem + "Fix: run install() (the CLI's install command) to add the triggers, "
                + "copy the rows the table holds now to the targets (trigger capture cannot see rows written before "
                + "its triggers), then restart; or leave the table out of the filter. Run install() right after "
                + "creating a captured table, before writing to it, to avoid this"
                + (wasCaptured || inTargets ? "." : "; with an initial load (initialLoad(true), or a log source's "
                        + "SnapshotMode.INCREMENTAL) a restart after install() reads such a table by itself."));
    }

    private FatalException replaced(TableId table) {
        String how = source.dialect.recordsTruncate() ? "dropped and created again"
                : "truncated, rebuilt (OPTIMIZE TABLE, ALTER TABLE ... FORCE or a copying ALTER) or dropped and "
                        + "created again; " + source.dialect.product() + " fires no trigger for TRUNCATE, so trigger "
                        + "capture cannot tell these apart";
        return new FatalException(table + " was replaced while trigger capture ran: it was " + how + ". The rows "
                + "it held before are still in the targets, and no change recorded their removal. Fix: remove from "
                + "the targets the rows of " + table + " that it no longer has (if it was only rebuilt, there are "
                + "none), then restart: capture takes the table as it is then.");
    }
}

package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SnapshotProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tables that start matching the filter at a restart: the binlog brings only their changes from the stored offset
 * on, never the rows they already had, so each is backfilled ({@link TableBackfills}) as a whole. Which ones: those
 * the current filter selects (and that exist) and the filter recorded in the stored offset did not; where the offset
 * recorded only the filter's hash (a long filter), every selected table, as the added ones cannot be told. An offset
 * that records no filter (written by an older version) is not checked. Tables no longer selected are left alone:
 * their rows stay in the sinks. Stateless.
 */
final class AddedTables {

    private static final Logger LOG = LoggerFactory.getLogger(AddedTables.class);

    private AddedTables() {}

    /**
     * The backfills owed when a stream resumes from {@code from}: those the offset carries, then one for each table
     * the filter adds since (not one the offset's queue or its running incremental snapshot will read anyway).
     *
     * @param captured the tables the current filter selects now
     * @return the queue (null: none owed)
     * @throws FatalException if an added table has no primary key, or one it cannot page by
     */
    static BackfillQueue owed(Connection lookup, MySqlOffset from, FilterStamp now, List<TableId> captured,
            String address) throws SQLException {
        BackfillQueue queue = from.backfills();
        FilterStamp before = from.filter();
        if (before == null || before.sameSelection(now)) {
            return queue;
        }
        TableFilter old = before.filter();
        List<TableId> added = new ArrayList<>();
        for (TableId table : captured) {
            if ((old == null || !old.test(table)) && !readAnyway(table, from) && !queued(table, queue)) {
                added.add(table);
            }
        }
        if (added.isEmpty()) {
            LOG.info("the table filter changed since the stored offset ({} before, {} now); it adds no table to read",
                    before.encode(), now.encode());
            return queue;
        }
        for (TableId table : added) {
            InfoSchema.TableDef def = InfoSchema.settled(lookup, table);
            if (def != null && def.key().isEmpty()) {
                throw new FatalException("table " + table + " of " + address + " starts matching the source's"
                        + " tables(...) filter at this restart, so its existing rows must be read, but it has no"
                        + " primary key to read it by in chunks beside the binlog. Fix: add a primary key to it, or"
                        + " take a new snapshot (delete this pipeline's stored offset, SnapshotMode.INITIAL), or leave"
                        + " it out of the filter again");
            }
            if (def != null) {
                ChunkKeys.of(def); // refuses keys it cannot page by, naming the fix
            }
        }
        if (old == null) {
            LOG.warn("the table filter changed since the stored offset, which recorded only the hash of the filter"
                    + " before (its text was longer than {} characters), so the tables it adds cannot be told: every"
                    + " table the filter selects is backfilled ({} tables: {}). To avoid this, keep the filter's text"
                    + " short (fewer, broader patterns such as 'shop.*'), or backfill only what you add by hand",
                    FilterStamp.MAX_TEXT, added.size(), added);
        } else {
            LOG.info("the table filter changed since the stored offset ({} before, {} now): backfilling the existing"
                    + " rows of the {} table(s) it adds: {}", before.encode(), now.encode(), added.size(), added);
        }
        for (TableId table : added) {
            queue = BackfillQueue.append(queue, BackfillQueue.Backfill.of(table, null));
        }
        return queue;
    }

    /** True if the incremental snapshot running at {@code from} reads {@code table} after the restart. */
    private static boolean readAnyway(TableId table, MySqlOffset from) {
        SnapshotProgress progress = from.chunk();
        return progress != null && !progress.isDone(table);
    }

    /** True if a backfill of every row of {@code table} is queued already. */
    private static boolean queued(TableId table, BackfillQueue queue) {
        return queue != null && queue.backfills().stream()
                .anyMatch(b -> b.table().equals(table) && b.condition() == null);
    }
}

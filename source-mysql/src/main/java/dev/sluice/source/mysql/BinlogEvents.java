package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.XAPrepareEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.capture.BackfillQueue;
import dev.sluice.capture.FilterStamp;
import dev.sluice.capture.SnapshotProgress;
import java.io.Serializable;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Follows the binlog event by event: where the current event group (a transaction, or a DDL statement) started,
 * how many rows of it went by, its GTID; and turns the rows of captured tables into {@link ChangeEvent}s.
 *
 * <p>Offsets name the start of the group and the number of its rows already seen (of every table, captured or not,
 * so the count does not depend on the filter). A group is ended by XID, by a COMMIT or ROLLBACK query, or, when it
 * did not begin with BEGIN, by its one statement (DDL); the next group starts where the ending event ends.
 *
 * <p>Not thread-safe: used by the stream's polling thread only.
 */
final class BinlogEvents {

    /** MariaDB's GTID flag of the first part of an XA transaction (up to XA PREPARE). */
    private static final int FL_PREPARED_XA = 0x40;

    private final TableDecoders decoders;
    private String file;
    private long groupStart;
    private long rows;
    /** Rows of the first group to skip: they were delivered before the restart. */
    private long skip;
    private String gtid;
    private boolean inGroup;
    private boolean transactional;
    /** The current group is the prepare part of an XA transaction: its rows wait for the XA COMMIT. */
    private boolean xa;
    private String xaStart;
    private String xaId;
    private List<ChangeEvent> xaRows = PreparedXa.newRows();
    private final PreparedXa prepared = new PreparedXa();
    /**
     * Resuming from an offset with pending XA transactions starts reading at the oldest of them: until the offset
     * itself, only those transactions are read again (their rows were not delivered), everything else was.
     */
    private MySqlOffset replayUntil;
    private final Set<String> replayGroups;

    /**
     * The captured tables an ALTER statement just changed, each with its definition before (null where unknown). The
     * statement's group stays open until {@link #altersHandled()}: the position does not pass the statement before
     * whatever its changes need (a re-read of the tables) is delivered.
     */
    private final Map<TableId, InfoSchema.TableDef> altered = new LinkedHashMap<>();
    private String alterSql;
    private long alterEnd;
    private Instant alterTime;

    /** The server's identity, and (MariaDB) the last GTID of each domain before the current group. */
    private final String server;
    private final Map<Long, String> state = new TreeMap<>();
    private String stateText;
    /** The progress of a running incremental snapshot, carried in every offset; null when none runs. */
    private SnapshotProgress progress;
    /** The backfills owed, carried in every offset; null when none. */
    private BackfillQueue backfills;
    /** The table filter recorded in every offset (that of the offset read from), or null. */
    private final FilterStamp filter;

    BinlogEvents(TableDecoders decoders, MySqlOffset from) {
        this(decoders, from, null, null);
    }

    /**
     * @param server the server's identity, carried in every offset
     * @param startState MariaDB's GTID state at the start position (null where there is none)
     */
    BinlogEvents(TableDecoders decoders, MySqlOffset from, String server, String startState) {
        this.decoders = decoders;
        this.server = server;
        if (startState != null) {
            for (String gtid : startState.split(",")) {
                if (!gtid.isBlank()) {
                    state.put(Long.parseLong(gtid.substring(0, gtid.indexOf('-'))), gtid.trim());
                }
            }
            stateText = String.join(",", state.values());
        }
        this.replayGroups = new HashSet<>(from.preparedXa());
        this.progress = from.chunk();
        this.backfills = from.backfills();
        this.filter = from.filter();
        if (replayGroups.isEmpty()) {
            this.file = from.file();
            this.groupStart = from.position();
            this.skip = from.rows();
            this.gtid = from.gtid();
        } else {
            String oldest = from.preparedXa().get(0);
            int colon = oldest.lastIndexOf(':');
            this.file = oldest.substring(0, colon);
            this.groupStart = Long.parseLong(oldest.substring(colon + 1));
            this.replayUntil = from;
        }
    }

    TableDecoders decoders() {
        return decoders;
    }

    /** Where the binlog must be read from: the offset's group, or the oldest pending XA transaction before it. */
    String startFile() {
        return file;
    }

    long startPosition() {
        return groupStart;
    }

    /** The position after everything handled so far: safe to commit once the events returned are durable. */
    MySqlOffset position() {
        if (replayUntil != null) {
            return replayUntil;
        }
        return offset(Math.max(rows, skip));
    }

    /** The offset of row {@code row} of the current group. */
    private MySqlOffset offset(long row) {
        return MySqlOffset.binlog(file, groupStart, row, gtid, prepared.starts()).identity(server, stateText)
                .withChunk(progress).withBackfills(backfills).withFilter(filter);
    }

    /** Sets the incremental snapshot's progress that later offsets carry (null: no snapshot runs any more). */
    void progress(SnapshotProgress now) {
        progress = now;
        if (replayUntil != null) {
            replayUntil = replayUntil.withChunk(now);
        }
    }

    SnapshotProgress progress() {
        return progress;
    }

    /** Sets the backfills owed that later offsets carry (null: none any more). */
    void backfills(BackfillQueue now) {
        backfills = now;
        if (replayUntil != null) {
            replayUntil = replayUntil.withBackfills(now);
        }
    }

    BackfillQueue backfills() {
        return backfills;
    }

    /**
     * True if every event group before {@code high} (a binlog end the server reported) was handled: the stream is
     * between groups at or past it. A rotation in between counts: files compare by their numbers.
     */
    boolean reached(MySqlOffset high) {
        if (inGroup || replayUntil != null) {
            return false;
        }
        int byFile = MySqlOffset.compareFiles(file, high.file());
        return byFile > 0 || byFile == 0 && groupStart >= high.position();
    }

    /** Ends the re-reading of pending XA transactions once the group of the resume offset is reached. */
    private void checkReplayDone() {
        if (replayUntil == null) {
            return;
        }
        int byFile = MySqlOffset.compareFiles(file, replayUntil.file());
        if (byFile > 0 || byFile == 0 && groupStart >= replayUntil.position()) {
            skip = replayUntil.rows();
            gtid = replayUntil.gtid();
            replayUntil = null;
        }
    }

    /** Handles one event, adding the change events of captured rows to {@code out}. */
    void handle(Event event, List<ChangeEvent> out) {
        EventHeaderV4 header = event.getHeader();
        EventType type = header.getEventType();
        switch (type) {
            case ROTATE -> {
                RotateEventData rotate = event.getData();
                file = rotate.getBinlogFilename();
                if (!inGroup) {
                    groupStart = rotate.getBinlogPosition();
                    checkReplayDone();
                }
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData data = event.getData();
                if (!inGroup && replayUntil == null && header.getPosition() > 0) {
                    groupStart = header.getPosition(); // after a resume by GTID, the events before it are not sent
                }
                startGroup(data.getDomainId() + "-" + header.getServerId() + "-" + data.getSequence(),
                        (data.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0);
                if ((data.getFlags() & FL_PREPARED_XA) != 0) {
                    startXa(); // MariaDB writes XA START into the GTID event
                }
            }
            case GTID, ANONYMOUS_GTID -> {
                Object data = event.getData();
                startGroup(data instanceof GtidEventData g && g.getMySqlGtid() != null ? g.getMySqlGtid().toString()
                        : null, false);
            }
            case QUERY -> query(event.getData(), header, out);
            case XID -> endGroup(header.getNextPosition());
            case XA_PREPARE -> xaPrepared(((XAPrepareEventData) event.getData()).isOnePhase(), header, out);
            case TABLE_MAP -> decoders.tableMap((TableMapEventData) EventDeserializer.EventDataWrapper.internal(
                    event.getData()));
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData data = event.getData();
                for (Serializable[] row : data.getRows()) {
                    emit(Op.INSERT, data.getTableId(), null, row, null, data.getIncludedColumns(), header, out);
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData data = event.getData();
                for (Map.Entry<Serializable[], Serializable[]> row : data.getRows()) {
                    emit(Op.UPDATE, data.getTableId(), row.getKey(), row.getValue(),
                            data.getIncludedColumnsBeforeUpdate(), data.getIncludedColumns(), header, out);
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData data = event.getData();
                for (Serializable[] row : data.getRows()) {
                    emit(Op.DELETE, data.getTableId(), row, null, data.getIncludedColumns(), null, header, out);
                }
            }
            case TRANSACTION_PAYLOAD -> payload(event.getData(), header);
            case PARTIAL_UPDATE_ROWS_EVENT -> throw new FatalException("the binlog at " + file + ":"
                    + header.getPosition() + " holds a partial JSON update, which the MySQL source cannot read."
                    + " Fix: SET GLOBAL binlog_row_value_options='' (and in the option file), then take a new snapshot");
            case HEARTBEAT -> {
                // says only that the connection is alive; its position may be of another file
            }
            default -> {
                // format descriptions, GTID lists, checkpoints, annotations: no rows. Between groups they advance
                // the position (a new binlog file starts with several), so an idle stream reaches the server's head;
                // a fake event sent on connecting has position 0
                if (!inGroup && replayUntil == null && header.getNextPosition() > groupStart) {
                    groupStart = header.getNextPosition();
                }
            }
        }
    }

    private void startGroup(String id, boolean isTransaction) {
        inGroup = true;
        transactional = isTransaction;
        gtid = id;
    }

    private void query(QueryEventData data, EventHeaderV4 header, List<ChangeEvent> out) {
        String sql = data.getSql().trim();
        String upper = sql.length() > 20 ? sql.substring(0, 20).toUpperCase(Locale.ROOT) : sql.toUpperCase(Locale.ROOT);
        if (upper.equals("BEGIN") || upper.startsWith("XA START")) {
            inGroup = true;
            transactional = true;
            if (upper.startsWith("XA START")) {
                startXa();
            }
        } else if (upper.startsWith("XA END")) {
            // the XA PREPARE event (or a one-phase XA COMMIT) ends the group
            xaId = PreparedXa.xid(sql, "XA END");
        } else if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
            boolean commit = upper.startsWith("XA COMMIT");
            String xid = PreparedXa.xid(sql, commit ? "XA COMMIT" : "XA ROLLBACK");
            if (xa && commit) {
                xaPrepared(true, header, out); // XA COMMIT … ONE PHASE in the group itself (MySQL)
            } else {
                List<ChangeEvent> rowsOfXa = prepared.resolve(xid);
                if (commit && rowsOfXa != null && replayUntil == null) {
                    deliver(rowsOfXa, header, out);
                }
                endGroup(header.getNextPosition());
            }
        } else if (upper.equals("COMMIT") || upper.equals("ROLLBACK")) {
            endGroup(header.getNextPosition());
        } else if (replayUntil != null) {
            // re-reading pending XA transactions: every other statement was handled before the restart
            if (!(inGroup && transactional)) {
                decoders.schemaChanged();
                endGroup(header.getNextPosition());
            }
        } else {
            Statements.Statement statement = statement(sql, data.getDatabase(), header);
            if (statement.kind() == Statements.Kind.DML) {
                dml(statement, sql, header);
            }
            if (!(inGroup && transactional)) {
                // a statement of its own (DDL): it is the whole group
                decoders.schemaChanged();
                ddl(statement, sql, header, out);
                if (altered.isEmpty()) {
                    endGroup(header.getNextPosition());
                } else {
                    alterSql = sql;
                    alterEnd = header.getNextPosition();
                    alterTime = Instant.ofEpochMilli(header.getTimestamp());
                }
            }
        }
    }

    /**
     * The captured tables the last event altered (ALTER TABLE), each with its definition before the statement where
     * the stream knows it (from a TABLE_MAP since the table's previous ALTER), else null. While this is not empty the
     * caller must read no further events: it decides whether the statement changed existing rows, delivers what that
     * needs at {@link #position()} (which stays before the statement), then calls {@link #altersHandled()}.
     */
    Map<TableId, InfoSchema.TableDef> altered() {
        return altered;
    }

    /** The text of the ALTER statement {@link #altered()} is about. */
    String alterStatement() {
        return alterSql;
    }

    /** The commit time of the ALTER statement. */
    Instant alterTime() {
        return alterTime;
    }

    /** The transaction id of the ALTER statement. */
    String alterTransactionId() {
        return gtid != null ? gtid : file + ":" + groupStart;
    }

    /** The ALTER's consequences are delivered: the position moves past the statement. */
    void altersHandled() {
        altered.clear();
        alterSql = null;
        endGroup(alterEnd);
    }

    private Statements.Statement statement(String sql, String database, EventHeaderV4 header) {
        try {
            return Statements.parse(sql, database);
        } catch (IllegalArgumentException e) {
            throw new FatalException("cannot tell which tables the statement at " + file + ":" + header.getPosition()
                    + " changes (" + e.getMessage() + "): " + abbreviate(sql) + ". It may change rows of captured"
                    + " tables without row events. Fix: report it to the Sluice maintainers; to go on, delete this"
                    + " pipeline's stored offset (a new snapshot) after the statement", e);
        }
    }

    /** DML logged as a statement: its rows are not in the binlog. */
    private void dml(Statements.Statement statement, String sql, EventHeaderV4 header) {
        for (TableId table : statement.tables()) {
            if (decoders.isCaptured(table)) {
                throw new FatalException("the binlog at " + file + ":" + header.getPosition() + " holds a change of"
                        + " captured table " + table + " as a statement, not as rows (a session ran with"
                        + " binlog_format=STATEMENT or MIXED): " + abbreviate(sql) + ". Its rows cannot be known."
                        + " Fix: make every writer use binlog_format=ROW (SET GLOBAL binlog_format=ROW, in the option"
                        + " file, and no SET SESSION binlog_format in applications), then delete this pipeline's"
                        + " stored offset to take a new snapshot");
            }
        }
    }

    /** DDL that changes rows without row events: TRUNCATE, DROP, RENAME away become TRUNCATE events. */
    private void ddl(Statements.Statement statement, String sql, EventHeaderV4 header, List<ChangeEvent> out) {
        switch (statement.kind()) {
            case TRUNCATE -> statement.tables().forEach(t -> truncate(t, header, out));
            case DROP -> statement.tables().forEach(t -> {
                truncate(t, header, out);
                decoders.forget(t);
                if (sql.regionMatches(true, 0, "CREATE", 0, 6)) {
                    decoders.created(t); // CREATE OR REPLACE: a new, empty table
                }
            });
            case DROP_DATABASE -> decoders.knownIn(statement.database()).forEach(t -> {
                truncate(t, header, out);
                decoders.forget(t);
            });
            case RENAME -> {
                List<TableId> pairs = statement.tables();
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    rename(pairs.get(i), pairs.get(i + 1), sql, header, out);
                }
            }
            case PARTITION -> {
                for (TableId table : statement.tables()) {
                    if (decoders.isCaptured(table)) {
                        throw new FatalException("the statement at " + file + ":" + header.getPosition() + " removes"
                                + " or moves rows of captured table " + table + " by partition: " + abbreviate(sql)
                                + ". The binlog has no row events for them. Fix: delete this pipeline's stored"
                                + " offset to take a new snapshot (and prefer DELETE for captured tables)");
                    }
                }
            }
            case CREATE -> statement.tables().forEach(decoders::created);
            case ALTER -> {
                for (TableId table : statement.tables()) {
                    if (decoders.isCaptured(table)) {
                        altered.put(table, decoders.altered(table));
                    }
                }
            }
            default -> {
                // DDL that changes no rows: the next TABLE_MAP carries the new schema
            }
        }
    }

    private void rename(TableId from, TableId to, String sql, EventHeaderV4 header, List<ChangeEvent> out) {
        boolean empty = decoders.surelyEmpty(from);
        truncate(from, header, out);
        decoders.forget(from);
        if (decoders.isCaptured(to) && !empty) {
            throw new FatalException("the statement at " + file + ":" + header.getPosition() + " renames " + from
                    + " to captured table " + to + ": " + abbreviate(sql) + ". The rows it brings were never"
                    + " delivered as rows of " + to + " (the binlog has no row events for a rename). Fix: delete this"
                    + " pipeline's stored offset to take a new snapshot, or leave " + to + " out of the filter");
        }
        if (empty) {
            decoders.created(to);
        }
    }

    /** A TRUNCATE event of a captured table; the sinks then forget its rows. */
    private void truncate(TableId table, EventHeaderV4 header, List<ChangeEvent> out) {
        if (!decoders.isCaptured(table)) {
            return;
        }
        rows++;
        if (rows <= skip) {
            return;
        }
        Schema schema = decoders.schemaOf(table);
        if (schema == null) {
            if (decoders.surelyEmpty(table)) {
                return; // created since the stream started, and never written: the sinks have none of its rows
            }
            throw new FatalException("captured table " + table + " lost its rows at " + file + ":"
                    + header.getPosition() + " (TRUNCATE, DROP or RENAME), but the source does not know its columns"
                    + " (it was dropped before the pipeline resumed). The sinks may still hold its rows. Fix: delete"
                    + " this pipeline's stored offset to take a new snapshot, or delete the table's data in the sinks"
                    + " and the offset together");
        }
        MySqlOffset offset = offset(rows);
        out.add(ChangeEvent.builder(Op.TRUNCATE, table, schema).offset(offset)
                .commitTime(Instant.ofEpochMilli(header.getTimestamp()))
                .transactionId(gtid != null ? gtid : file + ":" + groupStart).build());
    }

    private static String abbreviate(String sql) {
        return sql.length() > 200 ? sql.substring(0, 200) + "…" : sql;
    }

    private void payload(TransactionPayloadEventData data, EventHeaderV4 header) {
        for (Event inner : data.getUncompressedEvents()) {
            if (inner.getData() instanceof TableMapEventData map && decoders.isCaptured(map)) {
                throw new FatalException("table " + map.getDatabase() + "." + map.getTable() + " is written in"
                        + " compressed binlog transactions, which the MySQL source cannot read yet. Fix: SET GLOBAL"
                        + " binlog_transaction_compression=OFF (and in the option file), then take a new snapshot");
            }
        }
        endGroup(header.getNextPosition());
    }

    private void endGroup(long next) {
        if (gtid != null && stateText != null && gtid.indexOf('-') > 0 && gtid.indexOf(':') < 0) {
            // MariaDB: the group is done, so the next one's state includes it
            state.put(Long.parseLong(gtid.substring(0, gtid.indexOf('-'))), gtid);
            stateText = String.join(",", state.values());
        }
        inGroup = false;
        transactional = false;
        xa = false;
        xaId = null;
        xaRows = PreparedXa.newRows();
        groupStart = next;
        rows = 0;
        skip = 0;
        gtid = null;
        checkReplayDone();
    }

    private void startXa() {
        xa = true;
        xaStart = file + ":" + groupStart;
        xaRows = PreparedXa.newRows();
    }

    /** The prepare part of an XA transaction ends: its rows wait for the commit, or (one phase) are committed. */
    private void xaPrepared(boolean onePhase, EventHeaderV4 header, List<ChangeEvent> out) {
        if (onePhase) {
            if (replayUntil == null) {
                deliver(xaRows, header, out);
            }
        } else if (xaId != null && (replayUntil == null || replayGroups.contains(xaStart))) {
            prepared.prepared(xaId, xaStart, xaRows);
        }
        endGroup(header.getNextPosition());
    }

    /** Delivers the rows of a committed XA transaction as rows of the group that commits it. */
    private void deliver(List<ChangeEvent> held, EventHeaderV4 header, List<ChangeEvent> out) {
        Instant commitTime = Instant.ofEpochMilli(header.getTimestamp());
        String transactionId = gtid != null ? gtid : file + ":" + groupStart;
        for (ChangeEvent e : held) {
            rows++;
            if (rows <= skip) {
                continue;
            }
            ChangeEvent.Builder copy = ChangeEvent.builder(e.op(), e.table(), e.schema()).before(e.before())
                    .after(e.after()).commitTime(commitTime).transactionId(transactionId)
                    .offset(offset(rows));
            for (int i : e.unchangedColumns()) {
                copy.unchanged(i);
            }
            out.add(copy.build());
        }
    }

    private void emit(Op op, long tableId, Serializable[] before, Serializable[] after,
            BitSet beforeColumns, BitSet afterColumns, EventHeaderV4 header,
            List<ChangeEvent> out) {
        if (xa) {
            // held until the XA COMMIT; not counted in this group, whose offset is never delivered
            TableDecoders.Decoder decoder = decoders.decoder(tableId);
            if (decoder != null && (replayUntil == null || replayGroups.contains(xaStart))) {
                xaRows.add(decoder.event(op, before, beforeColumns, after, afterColumns,
                        MySqlOffset.binlog(file, groupStart, 0, gtid), Instant.ofEpochMilli(header.getTimestamp()),
                        gtid));
            }
            return;
        }
        if (replayUntil != null) {
            return; // delivered before the restart
        }
        rows++;
        if (rows <= skip) {
            return;
        }
        TableDecoders.Decoder decoder = decoders.decoder(tableId);
        if (decoder == null) {
            return;
        }
        MySqlOffset offset = offset(rows);
        String transactionId = gtid != null ? gtid : file + ":" + groupStart;
        out.add(decoder.event(op, before, beforeColumns, after, afterColumns, offset,
                Instant.ofEpochMilli(header.getTimestamp()), transactionId));
    }
}

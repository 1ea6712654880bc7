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
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Op;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    private final TableDecoders decoders;
    private String file;
    private long groupStart;
    private long rows;
    /** Rows of the first group to skip: they were delivered before the restart. */
    private long skip;
    private String gtid;
    private boolean inGroup;
    private boolean transactional;

    BinlogEvents(TableDecoders decoders, MySqlOffset from) {
        this.decoders = decoders;
        this.file = from.file();
        this.groupStart = from.position();
        this.skip = from.rows();
        this.gtid = from.gtid();
    }

    /** The position after everything handled so far: safe to commit once the events returned are durable. */
    MySqlOffset position() {
        return MySqlOffset.binlog(file, groupStart, Math.max(rows, skip), gtid);
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
                }
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData data = event.getData();
                startGroup(data.getDomainId() + "-" + header.getServerId() + "-" + data.getSequence(),
                        (data.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0);
            }
            case GTID, ANONYMOUS_GTID -> {
                Object data = event.getData();
                startGroup(data instanceof GtidEventData g && g.getMySqlGtid() != null ? g.getMySqlGtid().toString()
                        : null, false);
            }
            case QUERY -> query(event.getData(), header);
            case XID -> endGroup(header.getNextPosition());
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
            default -> {
                // format descriptions, heartbeats, GTID lists, checkpoints, annotations: no rows, no boundary
            }
        }
    }

    private void startGroup(String id, boolean isTransaction) {
        inGroup = true;
        transactional = isTransaction;
        gtid = id;
    }

    private void query(QueryEventData data, EventHeaderV4 header) {
        String sql = data.getSql().trim();
        String upper = sql.length() > 20 ? sql.substring(0, 20).toUpperCase(Locale.ROOT) : sql.toUpperCase(Locale.ROOT);
        if (upper.equals("BEGIN") || upper.startsWith("XA START")) {
            inGroup = true;
            transactional = true;
        } else if (upper.equals("COMMIT") || upper.equals("ROLLBACK") || upper.startsWith("XA END")) {
            endGroup(header.getNextPosition());
        } else if (!(inGroup && transactional)) {
            // a statement of its own (DDL): it is the whole group
            decoders.schemaChanged();
            endGroup(header.getNextPosition());
        }
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
        inGroup = false;
        transactional = false;
        groupStart = next;
        rows = 0;
        skip = 0;
        gtid = null;
    }

    private void emit(Op op, long tableId, Serializable[] before, Serializable[] after,
            java.util.BitSet beforeColumns, java.util.BitSet afterColumns, EventHeaderV4 header,
            List<ChangeEvent> out) {
        rows++;
        if (rows <= skip) {
            return;
        }
        TableDecoders.Decoder decoder = decoders.decoder(tableId);
        if (decoder == null) {
            return;
        }
        MySqlOffset offset = MySqlOffset.binlog(file, groupStart, rows, gtid);
        String transactionId = gtid != null ? gtid : file + ":" + groupStart;
        out.add(decoder.event(op, before, beforeColumns, after, afterColumns, offset,
                Instant.ofEpochMilli(header.getTimestamp()), transactionId));
    }
}

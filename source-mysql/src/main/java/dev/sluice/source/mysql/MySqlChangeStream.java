package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link MySqlSource} session: an optional snapshot, then the binlog. Threading as {@link ChangeStream} says: one
 * polling thread; {@link #close()} may come from another to abort a poll.
 */
final class MySqlChangeStream implements ChangeStream {

    private static final int MAX_EVENTS = 2000;

    private final MySqlSource source;
    private final PipelineContext context;
    private final long serverId;
    private Connection lookup;
    private boolean mariaDb;
    private Map<Integer, String> collations;
    /** The captured tables when the stream opened. */
    private List<TableId> captured;
    private MySqlOffset head;
    private SnapshotReader snapshot;
    private MySqlOffset snapshotPosition;
    private BinlogConnection binlog;
    private BinlogEvents events;
    private MySqlOffset position;
    private boolean finished;
    private volatile boolean closed;

    private MySqlChangeStream(MySqlSource source, PipelineContext context, long serverId) {
        this.source = source;
        this.context = context;
        this.serverId = serverId;
    }

    static MySqlChangeStream open(MySqlSource source, MySqlOffset from, PipelineContext context, long serverId) {
        MySqlChangeStream stream = new MySqlChangeStream(source, context, serverId);
        try {
            stream.start(from);
            return stream;
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        } catch (SQLException e) {
            stream.close();
            throw source.translate(e, "open the stream");
        }
    }

    private void start(MySqlOffset from) throws SQLException {
        lookup = source.connect();
        mariaDb = ServerChecks.check(lookup, serverId, source.address());
        source.lockHolder().set(PipelineLock.acquire(lookup, context.pipelineName(), serverId,
                source.lockHolder().get()));
        head = ServerChecks.currentPosition(lookup, source.user());
        collations = InfoSchema.collations(lookup);
        captured = CapturedTables.check(lookup, source.tables(), source.address());
        SnapshotMode mode = source.snapshotMode();
        if (from != null && !from.isSnapshot()) {
            if (mode == SnapshotMode.INITIAL_ONLY) {
                // the snapshot was taken and committed before: nothing left to do
                finished = true;
                position = from;
                return;
            }
            ServerChecks.checkNotPurged(lookup, from, source.user());
            startBinlog(from);
        } else if (from == null && mode == SnapshotMode.NEVER) {
            startBinlog(head);
        } else {
            snapshot = new SnapshotReader(source.connect(), source.tables(), context.clock().instant());
            snapshotPosition = snapshot.begin(mariaDb, source.user());
            position = MySqlOffset.snapshot(snapshotPosition.file(), snapshotPosition.position());
        }
    }

    private void startBinlog(MySqlOffset from) {
        TableDecoders decoders = new TableDecoders(source.tables(), collations, this::jsonColumns);
        for (TableId table : captured) {
            InfoSchema.TableDef def = definition(table);
            if (def != null) {
                decoders.known(table, def.schema());
            }
        }
        events = new BinlogEvents(decoders, from);
        binlog = new BinlogConnection(source, mariaDb, serverId, events.startFile(), events.startPosition(),
                "sluice-" + context.pipelineName() + "-binlog");
        binlog.connect();
        position = null;
    }

    private InfoSchema.TableDef definition(TableId table) {
        try {
            return InfoSchema.table(lookup, table);
        } catch (SQLException e) {
            throw source.translate(e, "read the definition of " + table);
        }
    }

    private Set<String> jsonColumns(TableId table) {
        if (!mariaDb) {
            return Set.of();
        }
        try {
            return InfoSchema.jsonColumns(lookup, table);
        } catch (SQLException e) {
            throw source.translate(e, "read the JSON columns of " + table);
        }
    }

    /** The server's id of the binlog connection, or -1 before streaming (for tests that cut it). */
    long binlogConnectionId() {
        return binlog == null ? -1 : binlog.connectionId();
    }

    @Override
    public Offset head() {
        return head;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        if (closed || finished) {
            return List.of();
        }
        if (snapshot != null) {
            return pollSnapshot();
        }
        List<ChangeEvent> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < MAX_EVENTS) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 && !out.isEmpty()) {
                break;
            }
            Event event = binlog.next(out.isEmpty() ? Math.max(remaining, 0) : 0);
            if (event == null) {
                if (!out.isEmpty() || remaining <= 0) {
                    break;
                }
                continue;
            }
            events.handle(event, out);
        }
        return out;
    }

    private List<ChangeEvent> pollSnapshot() {
        try {
            List<ChangeEvent> out = snapshot.next(MAX_EVENTS);
            if (out.isEmpty()) {
                snapshot.finish();
                snapshot.close();
                snapshot = null;
                if (source.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                    finished = true;
                    position = snapshotPosition;
                } else {
                    startBinlog(snapshotPosition);
                }
            }
            return out;
        } catch (SQLException e) {
            throw source.translate(e, "read the snapshot");
        }
    }

    @Override
    public Offset position() {
        return events != null && !finished ? events.position() : position;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public void committed(Offset offset) {
        // the server keeps binlogs by age, not by replica progress: nothing to release
    }

    @Override
    public void close() {
        closed = true;
        if (snapshot != null) {
            snapshot.close();
        }
        if (binlog != null) {
            binlog.close();
        }
        if (lookup != null) {
            try {
                lookup.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing left to release
            }
        }
    }
}

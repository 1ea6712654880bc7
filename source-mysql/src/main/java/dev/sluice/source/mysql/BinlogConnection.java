package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One binlog replication connection: the connector library's client reads events on its own thread into a bounded
 * queue, which {@link #next(long)} drains. A full queue holds the reader back. Failures of the reader come out of
 * {@link #next(long)} as exceptions, in order after the events read before them. The library's own reconnecting is
 * off: a lost connection is a {@link RetriableException}, and the pipeline reopens from its committed offset. A
 * connection that has been silent for three keepalive intervals (the server sends heartbeats when idle) is
 * considered lost.
 *
 * <p>{@link #next(long)} is called by one thread; {@link #close()} from any.
 */
final class BinlogConnection implements AutoCloseable {

    private static final int CAPACITY = 1024;
    private static final long NAP_MILLIS = 1;
    private static final int NAPS_BEFORE_BLOCKING = 20;
    /**
     * Binlog bytes the queue may hold (in KiB), besides its {@link #CAPACITY} in events: 1,024 events of rows
     * with large JSON or text values would otherwise hold hundreds of MiB of decoded rows. An event larger than
     * this waits for an empty queue.
     */
    private static final int MAX_QUEUED_KIB = 8 * 1024;
    /** ER_MASTER_FATAL_ERROR_READING_BINLOG: the position is gone, or another replica took our server id. */
    private static final int FATAL_READING_BINLOG = 1236;
    private static final int ACCESS_DENIED = 1045;
    private static final int SPECIFIC_ACCESS_DENIED = 1227;

    private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Semaphore queuedKib = new Semaphore(MAX_QUEUED_KIB);
    private final BinaryLogClient client;
    private final MySqlSource source;
    private final long serverId;
    private final long silenceLimitNanos;
    private final String gtidState;
    private volatile boolean closed;
    private long lastHeard = System.nanoTime();
    /** Naps taken in {@link #next} since the last item: the connection's recent idleness. */
    private int naps;

    /**
     * @param gtidState if not null, resume by GTID after this MariaDB GTID state instead of at file and position
     */
    BinlogConnection(MySqlSource source, boolean mariaDb, long serverId, String file, long position, String gtidState,
            String threadName) {
        this.source = source;
        this.serverId = serverId;
        this.silenceLimitNanos = source.keepAliveInterval().toNanos() * 3;
        JulToSlf4j.install();
        client = new StallTolerantClient(source.host(), source.port(), source.user(), source.password(),
                source.maxSinkStall());
        client.setServerId(serverId);
        Tls.binlog(client, source.tls(), source.trustedCertificates(), source.host(), source.port());
        this.gtidState = gtidState;
        if (gtidState != null) {
            client.setGtidSet(gtidState);
        } else {
            client.setBinlogFilename(file);
            client.setBinlogPosition(position);
        }
        client.setKeepAlive(false);
        client.setHeartbeatInterval(source.keepAliveInterval().toMillis());
        client.setConnectTimeout(source.connectTimeout().toMillis());
        client.setEventDeserializer(deserializer(mariaDb));
        client.setThreadFactory(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        client.registerEventListener(this::offer);
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                offer(ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                offer(new RetriableException("could not read a binlog event at " + c.getBinlogFilename() + ":"
                        + c.getBinlogPosition() + ": " + ex.getMessage(), ex));
            }

            @Override
            public void onDisconnect(BinaryLogClient c) {
                offer(new RetriableException("the binlog connection to " + source.address() + " was closed"));
            }
        });
    }

    /** Connects and starts reading. */
    void connect() {
        try {
            client.connect(source.connectTimeout().toMillis());
        } catch (IOException | TimeoutException e) {
            Object failure = item(queue.poll());
            while (failure instanceof Event) {
                failure = item(queue.poll());
            }
            if (failure instanceof Exception cause) {
                throw translate(cause);
            }
            throw translate(e);
        }
        lastHeard = System.nanoTime();
    }

    /**
     * The next event, or null if none came within the timeout.
     *
     * @throws RuntimeException the reader's failure, translated
     */
    Event next(long timeoutNanos) throws InterruptedException {
        Queued queued = queue.poll();
        if (queued == null && timeoutNanos > 0) {
            queued = await(timeoutNanos);
        }
        naps = queued == null ? naps : 0;
        Object item = item(queued);
        long now = System.nanoTime();
        if (item == null) {
            if (now - lastHeard > silenceLimitNanos) {
                throw new RetriableException("the binlog connection to " + source.address() + " has been silent for "
                        + TimeUnit.NANOSECONDS.toSeconds(now - lastHeard) + " s, though the server should send a"
                        + " heartbeat every " + source.keepAliveInterval().toSeconds() + " s: reconnecting");
            }
            return null;
        }
        lastHeard = now;
        if (item instanceof Exception e) {
            throw translate(e);
        }
        return (Event) item;
    }

    /**
     * Waits for the next item. While events are flowing it naps {@value #NAP_MILLIS} ms at a time: a wake-up per
     * event, which the queue's signal would be when the reader is only a little behind, cost more CPU than decoding
     * a one-row transaction (two context switches for each of its four events), while a nap gathers hundreds. After
     * {@value #NAPS_BEFORE_BLOCKING} naps without an event the connection is idle, and it waits for the signal.
     */
    private Queued await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (naps < NAPS_BEFORE_BLOCKING) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            Thread.sleep(Math.min(NAP_MILLIS, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
            naps++;
            Queued queued = queue.poll();
            if (queued != null) {
                return queued;
            }
        }
        return queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The server's id of this replication connection (for tests that cut it). */
    long connectionId() {
        return client.getConnectionId();
    }

    /** An event (or the reader's failure) in the queue, with the KiB of binlog it holds. */
    private record Queued(Object item, int kib) {}

    /** The item taken from the queue, its bytes handed back to the reader; null for null. */
    private Object item(Queued queued) {
        if (queued == null) {
            return null;
        }
        queuedKib.release(queued.kib());
        return queued.item();
    }

    private void offer(Object item) {
        int kib = item instanceof Event event ? kib(event) : 0;
        try {
            // the stream is behind: wait, which holds the reader back
            while (!closed && !queuedKib.tryAcquire(kib, 100, TimeUnit.MILLISECONDS)) {
                // until the stream took enough bytes out
            }
            while (!closed && !queue.offer(new Queued(item, kib), 100, TimeUnit.MILLISECONDS)) {
                // until the stream took an event out
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The binlog size of an event in KiB, at least 1 and at most the whole bound. */
    private static int kib(Event event) {
        long bytes = event.getHeader() instanceof EventHeaderV4 header ? header.getEventLength() : 0;
        return (int) Math.min(MAX_QUEUED_KIB, Math.max(1, bytes >> 10));
    }

    private RuntimeException translate(Exception e) {
        if (e instanceof RuntimeException runtime && (e instanceof FatalException || e instanceof RetriableException)) {
            return runtime;
        }
        if (source.tls() != TlsMode.DISABLED && Tls.isVerificationFailure(e)) {
            return source.tlsFailure(e);
        }
        if (e instanceof ServerException server) {
            String message = String.valueOf(server.getMessage());
            if (server.getErrorCode() == FATAL_READING_BINLOG && gtidState != null) {
                return new FatalException("the stored offset's binlog position does not match the binlog of "
                        + source.address() + " (a failover, a restore or RESET MASTER), and resuming by GTID after"
                        + " state '" + gtidState + "' failed: " + message + ". The server lacks transactions the"
                        + " pipeline has not read. Fix: delete this pipeline's stored offset to take a new snapshot", e);
            }
            if (server.getErrorCode() == FATAL_READING_BINLOG) {
                if (message.contains("same server") || message.contains("server_id")) {
                    return new FatalException("another replica of " + source.address() + " uses server id " + serverId
                            + " (" + message + "). Fix: give this source a unique serverId(…)", e);
                }
                return new FatalException("the server cannot send the binlog from " + client.getBinlogFilename() + ":"
                        + client.getBinlogPosition() + " (" + message + "): it was probably purged. Fix: take a new"
                        + " snapshot by deleting this pipeline's stored offset, and keep binlogs longer"
                        + " (binlog_expire_logs_seconds)", e);
            }
            if (server.getErrorCode() == ACCESS_DENIED || server.getErrorCode() == SPECIFIC_ACCESS_DENIED) {
                return new FatalException("user " + source.user() + " may not read the binlog of " + source.address()
                        + " (" + message + "). Fix: GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user", e);
            }
        }
        return new RetriableException("the binlog connection to " + source.address() + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        closed = true;
        try {
            client.disconnect();
        } catch (IOException | RuntimeException e) {
            // already broken: nothing more to release
        }
        queue.clear();
    }

    /**
     * The library's deserializer with exact row readers, TABLE_MAPs parsed once per change ({@link TableMapReader}),
     * and a bounded table-map cache (also the JMH benchmark's).
     */
    @SuppressWarnings("rawtypes") // the library's constructor takes a map of raw deserializers
    static EventDeserializer deserializer(boolean mariaDb) {
        Map<Long, TableMapEventData> tableMaps = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, TableMapEventData> eldest) {
                return size() > 10_000;
            }
        };
        // the library's defaults, with our rows readers: built through a throwaway default deserializer
        EventDeserializer defaults = new EventDeserializer();
        Map<EventType, EventDataDeserializer> readers = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            EventDataDeserializer reader = defaults.getEventDataDeserializer(type);
            if (!(reader instanceof NullEventDataDeserializer)) {
                readers.put(type, reader);
            }
        }
        // one reader as both halves of the library's wrapper: the library then keeps no TABLE_MAP parser of its own
        // (which would parse every TABLE_MAP again), and the event's data is the wrapper (see BinlogEvents)
        TableMapReader tableMapReader = new TableMapReader(mariaDb);
        readers.put(EventType.TABLE_MAP, new EventDeserializer.EventDataWrapper.Deserializer(tableMapReader,
                tableMapReader));
        readers.put(EventType.QUERY, new QueryReader());
        readers.put(EventType.WRITE_ROWS, new RowsDeserializers.Write(tableMaps));
        readers.put(EventType.UPDATE_ROWS, new RowsDeserializers.Update(tableMaps));
        readers.put(EventType.DELETE_ROWS, new RowsDeserializers.Delete(tableMaps));
        readers.put(EventType.EXT_WRITE_ROWS, new RowsDeserializers.Write(tableMaps).setMayContainExtraInformation(true));
        readers.put(EventType.EXT_UPDATE_ROWS, new RowsDeserializers.Update(tableMaps).setMayContainExtraInformation(true));
        readers.put(EventType.EXT_DELETE_ROWS, new RowsDeserializers.Delete(tableMaps).setMayContainExtraInformation(true));
        return new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(), readers,
                tableMaps);
    }
}

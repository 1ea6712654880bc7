package dev.sluice.testkit;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.SnapshotStatus;
import dev.sluice.SourceHealth;
import dev.sluice.Source;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source of numbered inserts into {@link #TABLE}: event {@code n} has key {@code n} and offset
 * {@code SeqOffset(n)}. Events 1 to {@link #head()} exist; {@link #append(long)} makes more, as writes to a live
 * database would. Faults can be injected; everything it is told is recorded for assertions. Thread-safe.
 */
public final class MemorySource implements Source {

    /** The one table the source captures, {@code mem.items}. */
    public static final TableId TABLE = TableId.of("mem", "items");
    /** Its schema: {@code id} (INT64, the key) and {@code payload} (BYTES, see {@link #payloadBytes(int)}). */
    public static final Schema SCHEMA = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("payload", Type.BYTES)
            .key("id")
            .build();

    private final Object monitor = new Object();
    private long available;
    private int payloadBytes;
    private int maxPerPoll = 100;
    private boolean finishAtEnd;
    private int skipEvery;
    private long snapshotRows;
    private volatile SourceHealth health;
    private volatile FatalException openFailure;
    private volatile boolean openFailureRetriable;
    private final Set<Long> pollFailures = ConcurrentHashMap.newKeySet();
    private final Set<Long> committedFailures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger opens = new AtomicInteger();
    private final List<Long> committed = new CopyOnWriteArrayList<>();

    private MemorySource(long available) {
        this.available = available;
    }

    /**
     * A source whose events 1 to {@code count} exist.
     *
     * @param count how many events exist at the start; {@link #append(long)} adds more
     * @return the source
     */
    public static MemorySource withEvents(long count) {
        return new MemorySource(count);
    }

    /**
     * Each event carries a payload of this many bytes (default none).
     *
     * @param bytes the size of the {@code payload} column of every event, 0 for a null payload
     * @return this source
     */
    public MemorySource payloadBytes(int bytes) {
        this.payloadBytes = bytes;
        return this;
    }

    /**
     * The most events one poll returns (default 100).
     *
     * @param max the largest batch a poll returns
     * @return this source
     */
    public MemorySource maxPerPoll(int max) {
        this.maxPerPoll = max;
        return this;
    }

    /**
     * The stream finishes once it has delivered every event that exists.
     *
     * @return this source
     */
    public MemorySource finishAtEnd() {
        this.finishAtEnd = true;
        return this;
    }

    /**
     * Reads but does not return every k-th event, as a log holds changes of tables not captured.
     *
     * @param k the period of the skipped events ({@code 3}: events 3, 6, 9, … are never returned); 0 skips none
     * @return this source
     */
    public MemorySource skipEvery(int k) {
        this.skipEvery = k;
        return this;
    }

    /**
     * The first {@code rows} events are a snapshot of {@link #TABLE}: until they are read, the stream reports its
     * {@link ChangeStream#snapshotStatus()} with {@code rows} as the estimate.
     *
     * @param rows how many of the first events the snapshot holds
     * @return this source
     */
    public MemorySource snapshotOf(long rows) {
        this.snapshotRows = rows;
        return this;
    }

    /**
     * From now on, the stream's {@link ChangeStream#health()}; null for the default (unknown).
     *
     * @param value what every stream's {@code health()} returns
     * @return this source
     */
    public MemorySource health(SourceHealth value) {
        this.health = value;
        return this;
    }

    /**
     * Opening fails with a retriable exception from now on, as a server that is down.
     *
     * @return this source
     */
    public MemorySource failOpenRetriably() {
        this.openFailureRetriable = true;
        return this;
    }

    /**
     * Opening fails with this exception from now on.
     *
     * @param failure what {@link #open} throws
     * @return this source
     */
    public MemorySource failOpen(FatalException failure) {
        this.openFailure = failure;
        return this;
    }

    /**
     * The first poll that would return event {@code seq} throws instead; later polls return it.
     *
     * @param seq the sequence number of the event whose poll fails once
     * @return this source
     */
    public MemorySource failPollOnceAt(long seq) {
        pollFailures.add(seq);
        return this;
    }

    /**
     * The first {@code committed(offset)} call at or past {@code seq} throws.
     *
     * @param seq the sequence number from which one {@code committed} call fails
     * @return this source
     */
    public MemorySource failCommittedOnceAt(long seq) {
        committedFailures.add(seq);
        return this;
    }

    /**
     * Makes {@code count} more events exist, and wakes a poll waiting for them.
     *
     * @param count how many events to add after the last one
     */
    public void append(long count) {
        synchronized (monitor) {
            available += count;
            monitor.notifyAll();
        }
    }

    /** {@return the number of events that exist} */
    public long head() {
        synchronized (monitor) {
            return available;
        }
    }

    /** {@return how many streams were opened} */
    public int opens() {
        return opens.get();
    }

    /** {@return the sequence numbers passed to {@code committed}, in order, across all streams} */
    public List<Long> committed() {
        return List.copyOf(committed);
    }

    /**
     * The event with this sequence number, as a stream of this source returns it.
     *
     * @param seq its sequence number: its key and its offset
     * @param context the pipeline's context, whose clock gives the commit time
     * @return the event
     */
    public ChangeEvent event(long seq, PipelineContext context) {
        return ChangeEvent.builder(Op.INSERT, TABLE, SCHEMA)
                .after(Row.of(seq, payloadBytes == 0 ? null : new byte[payloadBytes]))
                .offset(new SeqOffset(seq))
                .commitTime(context.clock().instant())
                .transactionId("tx" + seq)
                .build();
    }

    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        if (openFailure != null) {
            throw openFailure;
        }
        if (openFailureRetriable) {
            throw new RetriableException("connection refused (injected)");
        }
        opens.incrementAndGet();
        return new Stream(from == null ? 0 : ((SeqOffset) from).seq(), context);
    }

    @Override
    public Offset decodeOffset(String encoded) {
        return SeqOffset.decode(encoded);
    }

    @Override
    public String toString() {
        return "memory source";
    }

    private final class Stream implements ChangeStream {
        private final PipelineContext context;
        private long read;
        private volatile boolean closed;

        Stream(long from, PipelineContext context) {
            this.read = from;
            this.context = context;
        }

        @Override
        public Offset head() {
            long head = MemorySource.this.head();
            return head == 0 ? null : new SeqOffset(head);
        }

        @Override
        public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
            if (closed) {
                throw new IllegalStateException("poll on a closed stream");
            }
            long end;
            synchronized (monitor) {
                if (available <= read) {
                    monitor.wait(Math.max(1, timeout.toMillis()));
                }
                end = Math.min(available, read + maxPerPoll);
            }
            List<ChangeEvent> events = new ArrayList<>();
            for (long seq = read + 1; seq <= end; seq++) {
                if (pollFailures.remove(seq)) {
                    throw new IllegalStateException("injected poll failure at event " + seq);
                }
                if (skipEvery == 0 || seq % skipEvery != 0) {
                    events.add(event(seq, context));
                }
            }
            read = end;
            return events;
        }

        @Override
        public Offset position() {
            return read == 0 ? null : new SeqOffset(read);
        }

        @Override
        public SnapshotStatus snapshotStatus() {
            return read >= snapshotRows ? null : new SnapshotStatus(TABLE, 0, 1, read, snapshotRows);
        }

        @Override
        public SourceHealth health() {
            SourceHealth value = health;
            return value == null ? ChangeStream.super.health() : value;
        }

        @Override
        public boolean isFinished() {
            return finishAtEnd && read >= MemorySource.this.head();
        }

        @Override
        public void committed(Offset offset) {
            long seq = ((SeqOffset) offset).seq();
            for (Long failure : committedFailures) {
                if (seq >= failure && committedFailures.remove(failure)) {
                    throw new IllegalStateException("injected committed() failure at " + seq);
                }
            }
            committed.add(seq);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import dev.sluice.ChangeEvent;
import dev.sluice.TableFilter;
import dev.sluice.testing.BenchRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding binlog row events into change events, the way the MySQL source does: the connector library's
 * {@link EventDeserializer} with this source's cell readers ({@link RowsDeserializers}, {@link BinlogValues}) turns
 * the bytes of each event into event data, and {@link BinlogEvents} with {@link TableDecoders} turns TABLE_MAP and
 * rows events into {@link ChangeEvent}s. The bytes are built by hand, as MariaDB 10.11 writes them with
 * {@code binlog_row_metadata=FULL} and {@code binlog_row_image=FULL} (v1 rows events, no checksums), for the
 * {@code bench} table (bigint key, int, bigint, 2 doubles, decimal(12,2), 2 varchar(32) utf8mb4, timestamp(6),
 * bool): per transaction a GTID, a TABLE_MAP with the full metadata, rows events of {@code rowsPerEvent} rows and
 * an XID. One operation is one row; an invocation decodes {@value #ROWS} rows. Run with
 * {@code scripts/jmh source-mysql}.
 *
 * <ul>
 *   <li>{@link #writeRows}: WRITE_ROWS events to insert events.
 *   <li>{@link #updateRows}: UPDATE_ROWS events (before and after image) to update events.
 *   <li>{@link #writeRowsDeserializeOnly}: only the library's deserializer with our cell readers, no change events:
 *       the share of the byte parsing in {@link #writeRows}.
 * </ul>
 *
 * <p>With {@code rowsPerEvent=100} a transaction has 1,000 rows in 10 rows events (MariaDB fills a rows event up to
 * about 8 KB, some 80 of these rows); with {@code 1} every row is a transaction of its own (a backlog of
 * single-row inserts, workload W2).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BinlogRowsBenchmark {

    static final int ROWS = 1000;
    private static final long TABLE_ID = 71;
    private static final int SERVER_ID = 1;
    /** utf8mb4_general_ci, MariaDB 10.11's default collation of utf8mb4. */
    private static final int COLLATION = 45;

    // binlog type codes and event numbers
    private static final int LONGLONG = 8;
    private static final int LONG = 3;
    private static final int DOUBLE = 5;
    private static final int NEWDECIMAL = 246;
    private static final int VARCHAR = 15;
    private static final int TIMESTAMP2 = 17;
    private static final int TINY = 1;
    private static final int[] TYPES = {LONGLONG, LONG, LONGLONG, DOUBLE, DOUBLE, NEWDECIMAL, VARCHAR, VARCHAR,
        TIMESTAMP2, TINY};
    private static final int XID_EVENT = 16;
    private static final int TABLE_MAP_EVENT = 19;
    private static final int WRITE_ROWS_EVENT_V1 = 23;
    private static final int UPDATE_ROWS_EVENT_V1 = 24;
    private static final int MARIADB_GTID_EVENT = 162;

    /** The decoding state of one capture thread, and the bytes of one invocation. */
    @State(Scope.Thread)
    public static class Binlog {
        @Param({"100", "1"})
        public int rowsPerEvent;

        EventDeserializer deserializer;
        BinlogEvents events;
        byte[] inserts;
        byte[] updates;
        final List<ChangeEvent> out = new ArrayList<>(ROWS);

        @Setup(Level.Trial)
        public void build() throws IOException {
            if (ROWS % rowsPerEvent != 0) {
                throw new IllegalArgumentException("rowsPerEvent must divide " + ROWS);
            }
            deserializer = BinlogConnection.deserializer(true);
            TableDecoders decoders = new TableDecoders(TableFilter.all(), Map.of(COLLATION, "utf8mb4"),
                    table -> Set.of());
            events = new BinlogEvents(decoders, MySqlOffset.binlog("mariadb-bin.000001", 4, 0, null));
            inserts = stream(false);
            updates = stream(true);
            check(inserts, false);
            check(updates, true);
        }

        /** The events of ROWS rows: transactions of 1,000 rows, or of one row when rowsPerEvent is 1. */
        private byte[] stream(boolean update) throws IOException {
            EventWriter binlog = new EventWriter();
            int rowsPerTransaction = rowsPerEvent == 1 ? 1 : ROWS;
            long seq = 1;
            for (int row = 0; row < ROWS; row += rowsPerTransaction) {
                binlog.event(MARIADB_GTID_EVENT, gtid(seq++));
                binlog.event(TABLE_MAP_EVENT, tableMap());
                for (int k = 0; k < rowsPerTransaction; k += rowsPerEvent) {
                    binlog.event(update ? UPDATE_ROWS_EVENT_V1 : WRITE_ROWS_EVENT_V1,
                            rows(1 + row + k, rowsPerEvent, update));
                }
                binlog.event(XID_EVENT, le(new ByteArrayOutputStream(), 4_000 + seq, 8).toByteArray());
            }
            return binlog.bytes.toByteArray();
        }

        /** Decodes the stream once and compares the events with the values the bytes were made from. */
        private void check(byte[] stream, boolean update) throws IOException {
            out.clear();
            decode(stream, null);
            if (out.size() != ROWS) {
                throw new IllegalStateException("decoded " + out.size() + " events, expected " + ROWS);
            }
            for (int i = 0; i < ROWS; i++) {
                long g = 1 + i;
                ChangeEvent event = out.get(i);
                List<Object> after = event.after().values();
                boolean ok = after.equals(expected(update ? updated(g) : BenchRows.values(g)))
                        && (!update || event.before().values().equals(expected(BenchRows.values(g))));
                if (!ok) {
                    throw new IllegalStateException("row " + g + " decoded as " + event + ", expected "
                            + expected(BenchRows.values(g)) + ": the hand-made events or the decoders are wrong");
                }
            }
            out.clear();
        }

        void decode(byte[] stream, Blackhole bh) throws IOException {
            ByteArrayInputStream in = new ByteArrayInputStream(stream);
            for (Event event = deserializer.nextEvent(in); event != null; event = deserializer.nextEvent(in)) {
                events.handle(event, out);
            }
            if (bh != null) {
                for (int i = 0; i < out.size(); i++) {
                    bh.consume(out.get(i));
                }
                out.clear();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void writeRows(Binlog binlog, Blackhole bh) throws IOException {
        binlog.decode(binlog.inserts, bh);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void updateRows(Binlog binlog, Blackhole bh) throws IOException {
        binlog.decode(binlog.updates, bh);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void writeRowsDeserializeOnly(Binlog binlog, Blackhole bh) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(binlog.inserts);
        for (Event event = binlog.deserializer.nextEvent(in); event != null; event = binlog.deserializer.nextEvent(in)) {
            bh.consume(event);
        }
    }

    /** Binlog events with v4 headers, one after the other as the server streams them. */
    static final class EventWriter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long position = 4;

        void event(int type, byte[] body) {
            int length = 19 + body.length;
            position += length;
            le(bytes, 1_704_067_200L, 4); // 2024-01-01T00:00:00Z
            bytes.write(type);
            le(bytes, SERVER_ID, 4);
            le(bytes, length, 4);
            le(bytes, position, 4);
            le(bytes, 0, 2);
            bytes.writeBytes(body);
        }
    }

    /** Row g after W3's update on MariaDB: i + 1, a new s1, a timestamp with microseconds. */
    static Object[] updated(long g) {
        Object[] values = BenchRows.values(g);
        values[1] = (Integer) values[1] + 1;
        values[6] = BenchRows.md5(g * 31);
        values[8] = ((Instant) values[8]).plusNanos(1000L * (g * 7_919L % 1_000_000));
        return values;
    }

    /** The values the source gives: {@code bool} is MariaDB's {@code tinyint(1)}, a number. */
    static List<Object> expected(Object[] values) {
        Object[] copy = values.clone();
        copy[9] = (short) ((Boolean) values[9] ? 1 : 0);
        return Arrays.asList(copy);
    }

    // event bodies (MariaDB / MySQL source, "Binary log" internals: Gtid_log_event, Table_map_log_event,
    // Rows_log_event)

    static byte[] gtid(long seq) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        le(b, seq, 8);
        le(b, 0, 4); // domain
        b.write(MariadbGtidEventData.FL_TRANSACTIONAL | MariadbGtidEventData.FL_ALLOW_PARALLEL);
        b.writeBytes(new byte[6]);
        return b.toByteArray();
    }

    static byte[] tableMap() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        le(b, TABLE_ID, 6);
        le(b, 1, 2); // flags
        lengthAndZeroTerminated(b, "sluice_bench");
        lengthAndZeroTerminated(b, "bench");
        packed(b, TYPES.length);
        for (int type : TYPES) {
            b.write(type);
        }
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        meta.write(8); // DOUBLE: its size
        meta.write(8);
        meta.write(12); // DECIMAL: precision, scale
        meta.write(2);
        le(meta, 32 * 4, 2); // VARCHAR(32) utf8mb4: the maximum length in bytes
        le(meta, 32 * 4, 2);
        meta.write(6); // TIMESTAMP(6): fractional digits
        packed(b, meta.size());
        b.writeBytes(meta.toByteArray());
        b.write(0b1111_1110); // nullable: every column but id
        b.write(0b0000_0011);

        // optional metadata, type-length-value
        field(b, 1, new byte[] {0}); // SIGNEDNESS of the 7 numeric columns: all signed
        ByteArrayOutputStream charset = new ByteArrayOutputStream();
        packed(charset, COLLATION);
        field(b, 2, charset.toByteArray()); // DEFAULT_CHARSET of the character columns
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String name : BenchRows.NAMES) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            packed(names, bytes.length);
            names.writeBytes(bytes);
        }
        field(b, 4, names.toByteArray()); // COLUMN_NAME
        field(b, 8, new byte[] {0}); // SIMPLE_PRIMARY_KEY: column 0
        return b.toByteArray();
    }

    /** A rows event (v1) of rows first..first+count-1; an update carries before and after images. */
    static byte[] rows(long first, int count, boolean update) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        le(b, TABLE_ID, 6);
        le(b, 1, 2); // flags: end of statement
        packed(b, TYPES.length);
        byte[] present = {(byte) 0xFF, 0b11};
        b.writeBytes(present);
        if (update) {
            b.writeBytes(present);
        }
        for (long g = first; g < first + count; g++) {
            row(b, BenchRows.values(g));
            if (update) {
                row(b, updated(g));
            }
        }
        return b.toByteArray();
    }

    private static void row(ByteArrayOutputStream b, Object[] values) {
        b.write(0); // null bitmap: nothing is null
        b.write(0);
        le(b, (Long) values[0], 8);
        le(b, (Integer) values[1], 4);
        le(b, (Long) values[2], 8);
        le(b, Double.doubleToLongBits((Double) values[3]), 8);
        le(b, Double.doubleToLongBits((Double) values[4]), 8);
        b.writeBytes(decimal12x2((BigDecimal) values[5]));
        for (int i = 6; i <= 7; i++) {
            byte[] text = ((String) values[i]).getBytes(StandardCharsets.UTF_8);
            b.write(text.length);
            b.writeBytes(text);
        }
        Instant ts = (Instant) values[8];
        be(b, ts.getEpochSecond(), 4);
        be(b, ts.getNano() / 1000, 3);
        b.write((Boolean) values[9] ? 1 : 0);
    }

    /**
     * MySQL's binary DECIMAL(12,2): 10 integer digits as 1 leftover digit (1 byte) and one group of 9 (4 bytes),
     * 2 fraction digits (1 byte), all big-endian, the sign bit flipped (negative values are inverted; not needed
     * here).
     */
    static byte[] decimal12x2(BigDecimal value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("only non-negative values are encoded here: " + value);
        }
        long unscaled = value.setScale(2).unscaledValue().longValueExact();
        long integer = unscaled / 100;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((int) (integer / 1_000_000_000L));
        be(b, integer % 1_000_000_000L, 4);
        b.write((int) (unscaled % 100));
        byte[] bytes = b.toByteArray();
        bytes[0] ^= (byte) 0x80;
        return bytes;
    }

    private static void field(ByteArrayOutputStream b, int type, byte[] value) {
        b.write(type);
        packed(b, value.length);
        b.writeBytes(value);
    }

    private static void lengthAndZeroTerminated(ByteArrayOutputStream b, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        b.write(bytes.length);
        b.writeBytes(bytes);
        b.write(0);
    }

    /** A length-encoded integer, for the small values used here. */
    private static void packed(ByteArrayOutputStream b, int value) {
        if (value >= 251) {
            throw new IllegalArgumentException("only one-byte packed integers are written here: " + value);
        }
        b.write(value);
    }

    static ByteArrayOutputStream le(ByteArrayOutputStream b, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b.write((int) (value >>> (8 * i)));
        }
        return b;
    }

    private static void be(ByteArrayOutputStream b, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            b.write((int) (value >>> (8 * i)));
        }
    }
}

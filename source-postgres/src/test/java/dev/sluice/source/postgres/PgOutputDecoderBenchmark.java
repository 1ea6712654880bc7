package dev.sluice.source.postgres;

import dev.sluice.ChangeEvent;
import dev.sluice.TableFilter;
import dev.sluice.testing.BenchRows;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Decoding pgoutput (protocol version 1) into change events: {@link PgOutputDecoder} with the {@code bench}
 * table's {@link RelationInfo} (bigint key, int, bigint, 2 doubles, numeric(12,2), 2 varchar(32), timestamptz,
 * bool), on messages built by hand from the documented format with the text values the server sends
 * ({@link BenchRows}). One operation is one row; the messages of one invocation hold {@value #ROWS} rows, in
 * transactions of {@code rowsPerTransaction} rows (Begin, the changes, Commit), so the per-transaction work shows.
 * Run with {@code scripts/jmh source-postgres}.
 *
 * <ul>
 *   <li>{@link #insert}: Insert messages, every value text ('t').
 *   <li>{@link #update}: Update messages of a table with the default replica identity (new tuple only), the
 *       timestamptz with microseconds as {@code now()} writes it.
 *   <li>{@link #parseTimestampTz}: {@link PgText#parseTimestampTz} alone, one value per operation.
 * </ul>
 *
 * <p>The relation's types are resolved once, in the set-up, by {@link TypeResolver} on a connection to the local
 * PostgreSQL ({@code SLUICE_PG_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD}, defaults as the tests'):
 * a {@link RelationInfo} can only be built that way. Nothing in the measured code talks to the server.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PgOutputDecoderBenchmark {

    static final int ROWS = 1000;
    private static final int RELID = 16_385;
    private static final long FIRST_LSN = 0x1_6B37_4D48L;
    /** 2024-01-01T00:00:00Z in microseconds after 2000-01-01 (PostgreSQL's epoch). */
    private static final long COMMIT_MICROS = 757_382_400_000_000L;

    /** The decoder after the bench table's Relation message, and the messages of one invocation. */
    @State(Scope.Thread)
    public static class Stream {
        @Param({"1000", "1"})
        public int rowsPerTransaction;

        PgOutputDecoder decoder;
        ByteBuffer[] inserts;
        ByteBuffer[] updates;
        final List<ChangeEvent> out = new ArrayList<>(ROWS);

        @Setup(Level.Trial)
        public void build() throws SQLException, IOException {
            if (ROWS % rowsPerTransaction != 0) {
                throw new IllegalArgumentException("rowsPerTransaction must divide " + ROWS);
            }
            try (Connection connection = connect()) {
                TypeResolver types = new TypeResolver(connection, NumericMode.DECIMAL);
                decoder = new PgOutputDecoder(TableFilter.all(),
                        (relid, table, columns) -> RelationInfo.of(table, columns, List.of("id"), Set.of("id"), types),
                        null);
                decoder.decode(ByteBuffer.wrap(relation()), out);
            }
            inserts = transactions('I', 1);
            updates = transactions('U', 500_001);
            check(inserts, 1, false);
            check(updates, 500_001, true);
        }

        /** Begin, rowsPerTransaction changes, Commit; again until there are ROWS rows. */
        private ByteBuffer[] transactions(char kind, long firstRow) throws IOException {
            List<ByteBuffer> messages = new ArrayList<>();
            long lsn = FIRST_LSN;
            for (int row = 0; row < ROWS; row += rowsPerTransaction) {
                int xid = 7_000 + row;
                messages.add(ByteBuffer.wrap(begin(lsn, xid)));
                for (int k = 0; k < rowsPerTransaction; k++) {
                    long g = firstRow + row + k;
                    messages.add(ByteBuffer.wrap(change(kind, kind == 'U' ? updated(g) : BenchRows.values(g))));
                }
                messages.add(ByteBuffer.wrap(commit(lsn, lsn + 0x58)));
                lsn += 0x1000;
            }
            return messages.toArray(new ByteBuffer[0]);
        }

        /** Decodes the messages once and compares the events with the values they were made from. */
        private void check(ByteBuffer[] messages, long firstRow, boolean updated) throws SQLException {
            out.clear();
            decode(messages, null);
            if (out.size() != ROWS) {
                throw new IllegalStateException("decoded " + out.size() + " events, expected " + ROWS);
            }
            for (int i = 0; i < ROWS; i++) {
                long g = firstRow + i;
                List<Object> expected = Arrays.asList(updated ? updated(g) : BenchRows.values(g));
                if (!out.get(i).after().values().equals(expected)) {
                    throw new IllegalStateException("row " + g + " decoded as " + out.get(i).after().values()
                            + ", expected " + expected + ": the hand-made messages or the decoder are wrong");
                }
            }
            out.clear();
        }

        void decode(ByteBuffer[] messages, Blackhole bh) throws SQLException {
            for (ByteBuffer message : messages) {
                message.rewind();
                decoder.decode(message, out);
            }
            if (bh != null) {
                for (int i = 0; i < out.size(); i++) {
                    bh.consume(out.get(i));
                }
                out.clear();
            }
        }
    }

    /** Timestamptz texts as the server writes them in UTC, whole seconds or with microseconds. */
    @State(Scope.Thread)
    public static class Timestamps {
        @Param({"seconds", "micros"})
        public String precision;

        String[] texts;

        @Setup(Level.Trial)
        public void build() {
            texts = new String[ROWS];
            for (int i = 0; i < ROWS; i++) {
                Instant value = (Instant) BenchRows.values(i * 7919L)[8];
                texts[i] = text(precision.equals("micros") ? value.plusNanos(1000L * (i * 7_919L % 1_000_000)) : value);
            }
            Instant parsed = PgText.parseTimestampTz(texts[1]);
            if (!text(parsed).equals(texts[1])) {
                throw new IllegalStateException(texts[1] + " parsed as " + parsed);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void insert(Stream stream, Blackhole bh) throws SQLException {
        stream.decode(stream.inserts, bh);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void update(Stream stream, Blackhole bh) throws SQLException {
        stream.decode(stream.updates, bh);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void parseTimestampTz(Timestamps timestamps, Blackhole bh) {
        for (String text : timestamps.texts) {
            bh.consume(PgText.parseTimestampTz(text));
        }
    }

    /** Row g after W3's update: i + 1, a new s1, and a timestamp with microseconds. */
    static Object[] updated(long g) {
        Object[] values = BenchRows.values(g);
        values[1] = (Integer) values[1] + 1;
        values[6] = BenchRows.md5(g * 31);
        values[8] = ((Instant) values[8]).plusNanos(1000L * (g * 7_919L % 1_000_000));
        return values;
    }

    static Connection connect() {
        String host = env("SLUICE_PG_HOST", "127.0.0.1");
        String port = env("SLUICE_PG_PORT", "5432");
        String user = env("SLUICE_PG_USER", "sluice");
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user,
                    env("SLUICE_PG_PASSWORD", "sluice"));
        } catch (SQLException e) {
            throw new IllegalStateException("the pgoutput benchmark resolves the bench table's column types in"
                    + " PostgreSQL's catalog once, and cannot connect to " + host + ":" + port + " as " + user + ": "
                    + e.getMessage() + ". Fix: start the local server as for the tests, or point SLUICE_PG_HOST,"
                    + " SLUICE_PG_PORT, SLUICE_PG_USER and SLUICE_PG_PASSWORD at one.", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    // pgoutput protocol version 1 messages (PostgreSQL docs, "Logical Replication Message Formats")

    /** Relation: id, namespace, name, replica identity, columns (flags, name, type OID, type modifier). */
    static byte[] relation() throws IOException {
        int[][] types = {{20, -1}, {23, -1}, {20, -1}, {701, -1}, {701, -1}, {1700, (12 << 16 | 2) + 4},
            {1043, 32 + 4}, {1043, 32 + 4}, {1184, -1}, {16, -1}};
        Message m = new Message('R');
        m.data.writeInt(RELID);
        m.string("public");
        m.string("bench");
        m.data.writeByte('d');
        m.data.writeShort(types.length);
        for (int i = 0; i < types.length; i++) {
            m.data.writeByte(i == 0 ? 1 : 0); // part of the key
            m.string(BenchRows.NAMES[i]);
            m.data.writeInt(types[i][0]);
            m.data.writeInt(types[i][1]);
        }
        return m.bytes();
    }

    static byte[] begin(long finalLsn, int xid) throws IOException {
        Message m = new Message('B');
        m.data.writeLong(finalLsn);
        m.data.writeLong(COMMIT_MICROS);
        m.data.writeInt(xid);
        return m.bytes();
    }

    static byte[] commit(long lsn, long endLsn) throws IOException {
        Message m = new Message('C');
        m.data.writeByte(0);
        m.data.writeLong(lsn);
        m.data.writeLong(endLsn);
        m.data.writeLong(COMMIT_MICROS);
        return m.bytes();
    }

    /** Insert or Update (new tuple only): relation id, 'N', then each value as text. */
    static byte[] change(char kind, Object[] values) throws IOException {
        Message m = new Message(kind);
        m.data.writeInt(RELID);
        m.data.writeByte('N');
        m.data.writeShort(values.length);
        for (Object value : values) {
            if (value == null) {
                m.data.writeByte('n');
            } else {
                byte[] text = text(value).getBytes(StandardCharsets.UTF_8);
                m.data.writeByte('t');
                m.data.writeInt(text.length);
                m.data.write(text);
            }
        }
        return m.bytes();
    }

    /** A value's text as PostgreSQL 15 writes it (DateStyle ISO, TimeZone UTC, extra_float_digits 3). */
    static String text(Object value) {
        if (value instanceof Double d) {
            // shortest exact digits, without Java's ".0" on whole numbers
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Boolean flag) {
            return flag ? "t" : "f";
        }
        if (value instanceof Instant instant) {
            LocalDateTime local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
            String text = local.toLocalDate() + " " + String.format("%02d:%02d:%02d", local.getHour(),
                    local.getMinute(), local.getSecond());
            if (local.getNano() != 0) {
                String micros = String.format(".%06d", local.getNano() / 1000);
                text += micros.replaceAll("0+$", "");
            }
            return text + "+00";
        }
        return value.toString();
    }

    private static final class Message {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        final DataOutputStream data = new DataOutputStream(buffer);

        Message(char type) throws IOException {
            data.writeByte(type);
        }

        void string(String text) throws IOException {
            data.write(text.getBytes(StandardCharsets.UTF_8));
            data.writeByte(0);
        }

        byte[] bytes() {
            return buffer.toByteArray();
        }
    }
}

package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@link Entry entries} (an event and its {@code _seq}) as Parquet records of one file's schema. Only the
 * {@link ParquetConfiguration} overload of {@code init} is used: the Hadoop one is never called, so no Hadoop
 * class is loaded. Not thread-safe: one per file.
 */
final class EventWriteSupport extends WriteSupport<EventWriteSupport.Entry> {

    /** One row to write: the event, and its place in the pipeline's total order. */
    record Entry(ChangeEvent event, long seq) {}

    /** Writes one non-null value of a column to the record consumer. */
    @FunctionalInterface
    private interface ValueWriter {
        void write(RecordConsumer out, Object value);
    }

    private static final Binary[] OP_CODES = opCodes();

    private final MessageType messageType;
    private final boolean includeBefore;
    private final Map<String, String> metadata;
    /** Each column's name and writer, resolved once per file rather than per value. */
    private final String[] names;
    private final ValueWriter[] writers;
    /**
     * The largest binary bytes one row wrote to each column (after image, then before image) since
     * {@link #takeStatisticsBytes()}: parquet-java's min/max statistics keep such values whole.
     */
    private final long[] largest;
    private BinaryCountingConsumer out;

    EventWriteSupport(MessageType messageType, Schema schema, boolean includeBefore, Map<String, String> metadata) {
        this.messageType = messageType;
        this.includeBefore = includeBefore;
        this.metadata = metadata;
        int n = schema.size();
        this.names = new String[n];
        this.writers = new ValueWriter[n];
        this.largest = new long[2 * n];
        for (int i = 0; i < n; i++) {
            names[i] = schema.column(i).name();
            writers[i] = writer(schema.column(i).type());
        }
    }

    @Override
    @SuppressWarnings("deprecation") // required by the abstract class; never called here
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(messageType, metadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(messageType, metadata);
    }

    @Override
    public String getName() {
        return "sluice";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = new BinaryCountingConsumer(recordConsumer);
    }

    /**
     * An upper bound of the heap that parquet-java's statistics of the row group being written hold beyond its
     * buffers, and a new count for the next row group. Each column chunk's statistics keep its smallest and largest
     * value whole (the footer drops those over 4 KiB, the heap does not) until the file is finished: with MB-sized
     * values, that is MBs per row group of the open file.
     */
    long takeStatisticsBytes() {
        long bytes = statisticsBytes();
        Arrays.fill(largest, 0);
        return bytes;
    }

    /** {@link #takeStatisticsBytes()} without the new count. */
    long statisticsBytes() {
        long sum = 0;
        for (long bytes : largest) {
            sum += bytes;
        }
        return 2 * sum;
    }

    @Override
    public void write(Entry entry) {
        ChangeEvent event = entry.event();
        BinaryCountingConsumer out = this.out;
        out.startMessage();
        Row row = event.row(); // the after image, or the before image of a delete; null for a truncate
        int n = names.length;
        if (row != null) {
            columns(out, row, 0);
        }
        int index = n;
        out.startField(ParquetSchemas.OP, index);
        out.addBinary(OP_CODES[event.op().ordinal()]);
        out.endField(ParquetSchemas.OP, index++);
        out.startField(ParquetSchemas.COMMIT_TS, index);
        out.addLong(micros(event.commitTime()));
        out.endField(ParquetSchemas.COMMIT_TS, index++);
        out.startField(ParquetSchemas.POSITION, index);
        out.addBinary(utf8(event.offset().encode()));
        out.endField(ParquetSchemas.POSITION, index++);
        out.startField(ParquetSchemas.SEQ, index);
        out.addLong(entry.seq());
        out.endField(ParquetSchemas.SEQ, index++);
        String tx = event.transactionId();
        if (tx != null) {
            out.startField(ParquetSchemas.TX, index);
            out.addBinary(utf8(tx));
            out.endField(ParquetSchemas.TX, index);
        }
        index++;
        if (event.hasUnchanged()) {
            out.startField(ParquetSchemas.UNCHANGED, index);
            list(out, Arrays.stream(event.unchangedColumns()).mapToObj(i -> names[i]).toList(),
                    EventWriteSupport::string);
            out.endField(ParquetSchemas.UNCHANGED, index);
        }
        index++;
        if (includeBefore && event.before() != null && event.after() != null) {
            out.startField(ParquetSchemas.BEFORE, index);
            out.startGroup();
            columns(out, event.before(), n);
            out.endGroup();
            out.endField(ParquetSchemas.BEFORE, index);
        }
        out.endMessage();
    }

    private void columns(BinaryCountingConsumer out, Row row, int slots) {
        for (int i = 0; i < names.length; i++) {
            Object value = row.get(i);
            if (value != null) {
                out.startField(names[i], i);
                long before = out.binaryBytes();
                try {
                    writers[i].write(out, value);
                } catch (ArithmeticException e) {
                    // a retry would meet the same value again: stop, and say which one
                    throw new FatalException("column " + names[i] + " holds " + value + ", which is outside what"
                            + " its Parquet type can hold (" + e.getMessage() + "). Fix: change the value at the"
                            + " source, or leave the table out of this sink", e);
                }
                out.endField(names[i], i);
                largest[slots + i] = Math.max(largest[slots + i], out.binaryBytes() - before);
            }
        }
    }

    /** The writer of a column type, chosen once: the switch runs per file, not per value. */
    private static ValueWriter writer(Type type) {
        return switch (type.kind()) {
            case BOOLEAN -> (out, v) -> out.addBoolean((Boolean) v);
            case INT16 -> (out, v) -> out.addInteger((Short) v);
            case INT32 -> (out, v) -> out.addInteger((Integer) v);
            case INT64 -> (out, v) -> out.addLong((Long) v);
            case FLOAT32 -> (out, v) -> out.addFloat((Float) v);
            case FLOAT64 -> (out, v) -> out.addDouble((Double) v);
            case DECIMAL -> decimalWriter(type);
            case BYTES -> (out, v) -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
            case DATE -> (out, v) -> out.addInteger(Math.toIntExact(((LocalDate) v).toEpochDay()));
            case TIME -> (out, v) -> out.addLong(((LocalTime) v).toNanoOfDay() / 1000);
            case TIMESTAMP -> (out, v) -> out.addLong(micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC)));
            case TIMESTAMP_TZ -> (out, v) -> out.addLong(micros((Instant) v));
            case INTERVAL -> (out, v) -> interval(out, (Interval) v);
            case UUID -> (out, v) -> out.addBinary(Binary.fromConstantByteArray(uuid((UUID) v)));
            case ARRAY -> {
                ValueWriter element = writer(type.elementType());
                yield (out, v) -> list(out, (List<?>) v, element);
            }
            default -> EventWriteSupport::string; // STRING, JSON, ENUM, UNKNOWN
        };
    }

    private static void string(RecordConsumer out, Object value) {
        out.addBinary(utf8((String) value));
    }

    /**
     * A string's UTF-8 bytes as an array-backed {@link Binary}: {@code Binary.fromString} wraps the same bytes in a
     * {@code ByteBuffer}, one more object per value, and slower to hash for the dictionary and to compare for the
     * statistics.
     */
    private static Binary utf8(String value) {
        return Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
    }

    private static ValueWriter decimalWriter(Type type) {
        if (ParquetSchemas.decimalAsText(type)) {
            return (out, v) -> out.addBinary(utf8(((BigDecimal) v).toPlainString()));
        }
        if (type.precision() <= 9) {
            return (out, v) -> out.addInteger(((BigDecimal) v).unscaledValue().intValueExact());
        }
        if (type.precision() <= 18) {
            return (out, v) -> out.addLong(((BigDecimal) v).unscaledValue().longValueExact());
        }
        int length = ParquetSchemas.decimalBytes(type.precision());
        return (out, v) -> {
            BigDecimal value = (BigDecimal) v;
            byte[] unscaled = value.unscaledValue().toByteArray();
            byte[] fixed = new byte[length];
            byte fill = (byte) (value.signum() < 0 ? -1 : 0);
            int pad = fixed.length - unscaled.length;
            Arrays.fill(fixed, 0, pad, fill);
            System.arraycopy(unscaled, 0, fixed, pad, unscaled.length);
            out.addBinary(Binary.fromConstantByteArray(fixed));
        };
    }

    private static void interval(RecordConsumer out, Interval value) {
        out.startGroup();
        out.startField("months", 0);
        out.addInteger(value.months());
        out.endField("months", 0);
        out.startField("days", 1);
        out.addInteger(value.days());
        out.endField("days", 1);
        out.startField("micros", 2);
        out.addLong(value.micros());
        out.endField("micros", 2);
        out.endGroup();
    }

    private static void list(RecordConsumer out, List<?> values, ValueWriter element) {
        out.startGroup();
        if (!values.isEmpty()) {
            out.startField("list", 0);
            for (Object value : values) {
                out.startGroup();
                if (value != null) {
                    out.startField("element", 0);
                    element.write(out, value);
                    out.endField("element", 0);
                }
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
    }

    private static Binary[] opCodes() {
        Op[] ops = Op.values();
        Binary[] codes = new Binary[ops.length];
        for (Op op : ops) {
            codes[op.ordinal()] = Binary.fromConstantByteArray(new byte[] {(byte) op.code()});
        }
        return codes;
    }

    /** Microseconds since 1970; exact for every instant whose microseconds fit a long, including the smallest. */
    static long micros(Instant instant) {
        long seconds = instant.getEpochSecond();
        long micros = instant.getNano() / 1000;
        if (seconds < 0 && micros > 0) { // (seconds + 1) s − (1 s − micros): no overflow at the long's lower end
            seconds++;
            micros -= 1_000_000;
        }
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), micros);
    }

    private static byte[] uuid(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }
}

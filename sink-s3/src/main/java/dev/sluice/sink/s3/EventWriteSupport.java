package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.Interval;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
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

    private final MessageType messageType;
    private final Schema schema;
    private final boolean includeBefore;
    private final Map<String, String> metadata;
    private RecordConsumer out;

    EventWriteSupport(MessageType messageType, Schema schema, boolean includeBefore, Map<String, String> metadata) {
        this.messageType = messageType;
        this.schema = schema;
        this.includeBefore = includeBefore;
        this.metadata = metadata;
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
        this.out = recordConsumer;
    }

    @Override
    public void write(Entry entry) {
        ChangeEvent event = entry.event();
        out.startMessage();
        Row row = event.row(); // the after image, or the before image of a delete; null for a truncate
        int n = schema.size();
        if (row != null) {
            for (int i = 0; i < n; i++) {
                field(schema.column(i).name(), i, row.get(i), schema.column(i).type());
            }
        }
        int index = n;
        field(ParquetSchemas.OP, index++, String.valueOf(event.op().code()), Type.STRING);
        field(ParquetSchemas.COMMIT_TS, index++, event.commitTime(), Type.TIMESTAMP_TZ);
        field(ParquetSchemas.POSITION, index++, event.offset().encode(), Type.STRING);
        field(ParquetSchemas.SEQ, index++, entry.seq(), Type.INT64);
        field(ParquetSchemas.TX, index++, event.transactionId(), Type.STRING);
        if (event.hasUnchanged()) {
            List<String> names = java.util.Arrays.stream(event.unchangedColumns())
                    .mapToObj(i -> schema.column(i).name()).toList();
            field(ParquetSchemas.UNCHANGED, index, names, Type.arrayOf(Type.STRING));
        }
        index++;
        if (includeBefore && event.before() != null && event.after() != null) {
            out.startField(ParquetSchemas.BEFORE, index);
            out.startGroup();
            for (int i = 0; i < n; i++) {
                field(schema.column(i).name(), i, event.before().get(i), schema.column(i).type());
            }
            out.endGroup();
            out.endField(ParquetSchemas.BEFORE, index);
        }
        out.endMessage();
    }

    private void field(String name, int index, Object value, Type type) {
        if (value == null) {
            return;
        }
        out.startField(name, index);
        value(value, type);
        out.endField(name, index);
    }

    private void value(Object value, Type type) {
        switch (type.kind()) {
            case BOOLEAN -> out.addBoolean((Boolean) value);
            case INT16 -> out.addInteger((Short) value);
            case INT32 -> out.addInteger((Integer) value);
            case INT64 -> out.addLong((Long) value);
            case FLOAT32 -> out.addFloat((Float) value);
            case FLOAT64 -> out.addDouble((Double) value);
            case DECIMAL -> decimal((BigDecimal) value, type);
            case BYTES -> out.addBinary(Binary.fromConstantByteArray((byte[]) value));
            case DATE -> out.addInteger(Math.toIntExact(((LocalDate) value).toEpochDay()));
            case TIME -> out.addLong(((LocalTime) value).toNanoOfDay() / 1000);
            case TIMESTAMP -> out.addLong(micros(((LocalDateTime) value).toInstant(ZoneOffset.UTC)));
            case TIMESTAMP_TZ -> out.addLong(micros((Instant) value));
            case INTERVAL -> interval((Interval) value);
            case UUID -> out.addBinary(Binary.fromConstantByteArray(uuid((UUID) value)));
            case ARRAY -> list((List<?>) value, type.elementType());
            default -> out.addBinary(Binary.fromString((String) value)); // STRING, JSON, ENUM, UNKNOWN
        }
    }

    private void decimal(BigDecimal value, Type type) {
        if (ParquetSchemas.decimalAsText(type)) {
            out.addBinary(Binary.fromString(value.toPlainString()));
        } else if (type.precision() <= 9) {
            out.addInteger(value.unscaledValue().intValueExact());
        } else if (type.precision() <= 18) {
            out.addLong(value.unscaledValue().longValueExact());
        } else {
            byte[] unscaled = value.unscaledValue().toByteArray();
            byte[] fixed = new byte[ParquetSchemas.decimalBytes(type.precision())];
            byte fill = (byte) (value.signum() < 0 ? -1 : 0);
            int pad = fixed.length - unscaled.length;
            java.util.Arrays.fill(fixed, 0, pad, fill);
            System.arraycopy(unscaled, 0, fixed, pad, unscaled.length);
            out.addBinary(Binary.fromConstantByteArray(fixed));
        }
    }

    private void interval(Interval value) {
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

    private void list(List<?> values, Type elementType) {
        out.startGroup();
        if (!values.isEmpty()) {
            out.startField("list", 0);
            for (Object element : values) {
                out.startGroup();
                field("element", 0, element, elementType);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    private static byte[] uuid(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
    }
}

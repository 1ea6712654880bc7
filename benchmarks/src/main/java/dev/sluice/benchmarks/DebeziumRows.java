package dev.sluice.benchmarks;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium change records (Connect {@link SourceRecord}s with the standard envelope) into Parquet rows with
 * the same columns {@code ParquetSink} writes: the table's columns (the after image, a delete's before image),
 * then {@code _op}, {@code _commit_ts}, {@code _position}, {@code _seq}, {@code _tx}. Values get the types the
 * Sluice sink gives them (decimal as unscaled INT64, a zoned timestamp as epoch micros), so both systems pay for
 * the same conversions; a JSON column ({@code io.debezium.data.Json}) is written as JSON text like Sluice's.
 * PostgreSQL does not send an unchanged TOASTed value, and Debezium puts its placeholder
 * ({@value #UNAVAILABLE}, the default {@code unavailable.value.placeholder}) in its place: that is written as null,
 * as the Sluice sink writes an {@code unchanged} column. Built from the first record's schema; not thread-safe.
 */
final class DebeziumRows {

    private static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    private static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    private static final String JSON = "io.debezium.data.Json";
    /** What Debezium sends for a value PostgreSQL did not send (an unchanged TOASTed column). */
    static final String UNAVAILABLE = "__debezium_unavailable_value";

    private final List<RowColumn> columns = new ArrayList<>();
    private final List<Field> fields;
    private final int tableColumns;

    DebeziumRows(SourceRecord first) {
        Schema row = first.valueSchema().field("after").schema();
        this.fields = row.fields();
        for (Field field : fields) {
            columns.add(column(field));
        }
        tableColumns = columns.size();
        columns.add(RowColumn.of("_op", RowColumn.Kind.STRING));
        columns.add(RowColumn.of("_commit_ts", RowColumn.Kind.TIMESTAMP_MICROS));
        columns.add(RowColumn.of("_position", RowColumn.Kind.STRING));
        columns.add(RowColumn.of("_seq", RowColumn.Kind.INT64));
        columns.add(RowColumn.of("_tx", RowColumn.Kind.STRING));
    }

    List<RowColumn> columns() {
        return columns;
    }

    /** Whether the record is a row change (not a tombstone, a heartbeat, a schema change or a message). */
    static boolean isChange(SourceRecord record) {
        return record.value() instanceof Struct envelope && envelope.schema().field("op") != null
                && envelope.schema().field("after") != null;
    }

    /** The row of a change record ({@link #isChange}). */
    Object[] row(SourceRecord record, long seq) {
        Struct envelope = (Struct) record.value();
        String op = envelope.getString("op");
        Struct image = envelope.getStruct("d".equals(op) ? "before" : "after");
        Struct source = envelope.getStruct("source");
        Object[] row = new Object[columns.size()];
        if (image != null) {
            for (int i = 0; i < tableColumns; i++) {
                row[i] = value(columns.get(i), image.get(fields.get(i)));
            }
        }
        row[tableColumns] = op;
        row[tableColumns + 1] = source.getInt64("ts_ms") * 1000L;
        row[tableColumns + 2] = position(source);
        row[tableColumns + 3] = seq;
        Object tx = source.schema().field("txId") != null ? source.get("txId") : null;
        row[tableColumns + 4] = tx == null ? null : tx.toString();
        return row;
    }

    private static String position(Struct source) {
        if (source.schema().field("lsn") != null) {
            return "lsn=" + source.get("lsn");
        }
        return source.get("file") + ":" + source.get("pos") + ":" + source.get("row");
    }

    private static RowColumn column(Field field) {
        Schema schema = field.schema();
        String name = field.name();
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
            String precision = schema.parameters().get("connect.decimal.precision");
            int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
            return RowColumn.decimal(name, precision == null ? 18 : Integer.parseInt(precision), scale);
        }
        if (ZONED_TIMESTAMP.equals(schema.name()) || MICRO_TIMESTAMP.equals(schema.name())) {
            return RowColumn.of(name, RowColumn.Kind.TIMESTAMP_MICROS);
        }
        if (JSON.equals(schema.name())) {
            return RowColumn.of(name, RowColumn.Kind.JSON);
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> RowColumn.of(name, RowColumn.Kind.INT32);
            case INT64 -> RowColumn.of(name, RowColumn.Kind.INT64);
            case FLOAT32, FLOAT64 -> RowColumn.of(name, RowColumn.Kind.DOUBLE);
            case BOOLEAN -> RowColumn.of(name, RowColumn.Kind.BOOLEAN);
            default -> RowColumn.of(name, RowColumn.Kind.STRING);
        };
    }

    private static Object value(RowColumn column, Object value) {
        if (value == null || UNAVAILABLE.equals(value)) {
            return null;
        }
        return switch (column.kind()) {
            case INT32 -> ((Number) value).intValue();
            case INT64 -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> value;
            case DECIMAL64 -> ((BigDecimal) value).setScale(column.scale()).unscaledValue().longValueExact();
            case TIMESTAMP_MICROS -> value instanceof String text ? micros(text) : ((Number) value).longValue();
            case STRING, JSON -> value.toString();
        };
    }

    private static long micros(String zoned) {
        OffsetDateTime time = OffsetDateTime.parse(zoned, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return time.toEpochSecond() * 1_000_000L + time.getNano() / 1000;
    }
}

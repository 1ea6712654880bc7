package dev.sluice.sink.s3;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Maps a table's {@link Schema} to the Parquet schema of its files: the table's columns, all optional (a delete
 * carries only what its before image has), then the metadata columns. See {@code docs/sink-s3.md} for the table.
 */
final class ParquetSchemas {

    static final String OP = "_op";
    static final String COMMIT_TS = "_commit_ts";
    static final String POSITION = "_position";
    static final String SEQ = "_seq";
    static final String TX = "_tx";
    static final String UNCHANGED = "_unchanged";
    static final String BEFORE = "_before";
    static final Set<String> METADATA = Set.of(OP, COMMIT_TS, POSITION, SEQ, TX, UNCHANGED, BEFORE);

    /** Decimals up to this precision are Parquet DECIMALs; wider ones are text (no common reader goes beyond). */
    static final int MAX_DECIMAL_PRECISION = 38;

    private ParquetSchemas() {}

    static MessageType messageType(TableId table, Schema schema, boolean includeBefore,
            List<String> partitionNames) {
        List<org.apache.parquet.schema.Type> fields = new ArrayList<>(schema.size() + 8);
        for (Column column : schema.columns()) {
            if (METADATA.contains(column.name())) {
                throw new FatalException("table " + table + " has a column named '" + column.name()
                        + "', which ParquetSink uses for its own metadata (" + String.join(", ", METADATA.stream()
                                .sorted().toList()) + " are reserved). Fix: rename the column, or leave the table"
                        + " out of the pipeline's table filter.");
            }
            if (partitionNames.contains(column.name())) {
                throw new FatalException("table " + table + " has a column named '" + column.name()
                        + "', which is the name of a partition folder of the sink, so readers with Hive partitioning"
                        + " would show the folder's value instead of the column's. Fix: rename the column, choose"
                        + " another partitionBy(…) (CLI: --partition-by), or leave the table out of the pipeline's"
                        + " table filter.");
            }
            fields.add(field(column.name(), column.type(), Repetition.OPTIONAL));
        }
        fields.add(Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(OP));
        fields.add(Types.required(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(true, MICROS)).named(COMMIT_TS));
        fields.add(Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(POSITION));
        fields.add(Types.required(PrimitiveTypeName.INT64).named(SEQ));
        fields.add(Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(TX));
        fields.add(list(UNCHANGED, Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
                .named("element"), Repetition.OPTIONAL));
        if (includeBefore) {
            List<org.apache.parquet.schema.Type> before = new ArrayList<>(schema.size());
            for (Column column : schema.columns()) {
                before.add(field(column.name(), column.type(), Repetition.OPTIONAL));
            }
            fields.add(new GroupType(Repetition.OPTIONAL, BEFORE, before));
        }
        return new MessageType("sluice_" + Keys.segment(table.name()).replace('%', '_'), fields);
    }

    /** True if values of this decimal type are written as text rather than as a Parquet DECIMAL. */
    static boolean decimalAsText(Type type) {
        return !type.hasPrecision() || type.precision() > MAX_DECIMAL_PRECISION;
    }

    /** Bytes of the FIXED_LEN_BYTE_ARRAY that holds every unscaled value of this many digits. */
    static int decimalBytes(int precision) {
        int bytes = 1;
        while (BigInteger.TEN.pow(precision).bitLength() > 8 * bytes - 1) {
            bytes++;
        }
        return bytes;
    }

    private static org.apache.parquet.schema.Type field(String name, Type type, Repetition repetition) {
        switch (type.kind()) {
            case BOOLEAN:
                return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case INT16:
                return Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(16, true)).named(name);
            case INT32:
                return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
            case INT64:
                return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case FLOAT32:
                return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case FLOAT64:
                return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case DECIMAL:
                return decimal(name, type, repetition);
            case BYTES:
                return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case DATE:
                return Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.dateType()).named(name);
            case TIME:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timeType(false, MICROS)).named(name);
            case TIMESTAMP:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(false, MICROS)).named(name);
            case TIMESTAMP_TZ:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(true, MICROS)).named(name);
            case INTERVAL:
                // Parquet's INTERVAL keeps unsigned milliseconds: it would lose micros and negative spans
                return Types.buildGroup(repetition)
                        .required(PrimitiveTypeName.INT32).named("months")
                        .required(PrimitiveTypeName.INT32).named("days")
                        .required(PrimitiveTypeName.INT64).named("micros")
                        .named(name);
            case UUID:
                return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(16)
                        .as(LogicalTypeAnnotation.uuidType()).named(name);
            case JSON:
                return Types.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.jsonType()).named(name);
            case ARRAY:
                return list(name, field("element", type.elementType(), Repetition.OPTIONAL), repetition);
            default: // STRING, ENUM, UNKNOWN
                return Types.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.stringType()).named(name);
        }
    }

    private static org.apache.parquet.schema.Type decimal(String name, Type type, Repetition repetition) {
        if (decimalAsText(type)) {
            return Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.stringType()).named(name);
        }
        int p = type.precision();
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(type.scale(), p);
        if (p <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(decimal).named(name);
        }
        if (p <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(decimal).named(name);
        }
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(decimalBytes(p))
                .as(decimal).named(name);
    }

    /** The three-level LIST every current reader expects: {@code <name> (LIST) { repeated group list { element } }}. */
    private static GroupType list(String name, org.apache.parquet.schema.Type element, Repetition repetition) {
        GroupType repeated = new GroupType(Repetition.REPEATED, "list", element);
        return Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType()).addField(repeated).named(name);
    }
}

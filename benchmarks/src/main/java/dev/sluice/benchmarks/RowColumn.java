package dev.sluice.benchmarks;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * One column of {@link RowFileWriter}: a name and how its Java value is written. The mapping is the one
 * {@code ParquetSink} uses for the same Sluice types (int32, int64, float64, boolean, string, decimal(p ≤ 18),
 * timestamp_tz, json), so both systems' files have the same physical layout.
 */
record RowColumn(String name, Kind kind, int precision, int scale) {

    /** The value kinds: Integer, Long, Double, Boolean, String, unscaled Long, epoch-micros Long, JSON text String. */
    enum Kind { INT32, INT64, DOUBLE, BOOLEAN, STRING, DECIMAL64, TIMESTAMP_MICROS, JSON }

    static RowColumn of(String name, Kind kind) {
        return new RowColumn(name, kind, 0, 0);
    }

    static RowColumn decimal(String name, int precision, int scale) {
        if (precision < 1 || precision > 18) {
            throw new IllegalArgumentException("decimal precision " + precision + " of " + name
                    + " does not fit INT64: the benchmark writer handles precision 1 to 18");
        }
        return new RowColumn(name, Kind.DECIMAL64, precision, scale);
    }

    PrimitiveType parquetType() {
        return switch (kind) {
            case INT32 -> Types.primitive(PrimitiveTypeName.INT32, Repetition.OPTIONAL).named(name);
            case INT64 -> Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL).named(name);
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, Repetition.OPTIONAL).named(name);
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, Repetition.OPTIONAL).named(name);
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.stringType()).named(name);
            case JSON -> Types.primitive(PrimitiveTypeName.BINARY, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.jsonType()).named(name);
            case DECIMAL64 -> Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.decimalType(scale, precision)).named(name);
            case TIMESTAMP_MICROS -> Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
        };
    }
}

package dev.sluice.source.mongo;

import dev.sluice.Column;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * A top-level document field copied into a typed column. A value of another BSON type than the column takes (or
 * one that does not fit it) gives null: the value is still in the {@code document} JSON, and the pipeline goes on.
 *
 * @param field the top-level field name, which is also the column name
 * @param type one of the {@link #TYPES supported types}
 */
record Promotion(String field, Type type) {

    /** The kinds a field may be promoted to. */
    static final Set<Type.Kind> TYPES = Set.of(Type.Kind.BOOLEAN, Type.Kind.INT32, Type.Kind.INT64,
            Type.Kind.FLOAT64, Type.Kind.STRING, Type.Kind.TIMESTAMP_TZ, Type.Kind.DECIMAL);

    private static final long MAX_EXACT_DOUBLE = 1L << 53;

    Promotion {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(type, "type");
        if (field.isEmpty() || field.contains(".") || field.startsWith("$")) {
            throw new IllegalArgumentException("cannot promote field '" + field + "': give a top-level field name,"
                    + " without '.' and not starting with '$'");
        }
        if (MongoSchema.FIXED_COLUMNS.contains(field)) {
            throw new IllegalArgumentException("cannot promote field '" + field + "': the column name is taken by"
                    + " the fixed columns " + MongoSchema.FIXED_COLUMNS + " (the _id is always the key column)");
        }
        if (!TYPES.contains(type.kind())) {
            throw new IllegalArgumentException("cannot promote field '" + field + "' to " + type + ": use boolean,"
                    + " int32, int64, float64, string, timestamp_tz or decimal");
        }
    }

    Column column() {
        return Column.of(field, type).withSourceType("bson field " + field);
    }

    /** The column value for this document: the field converted, or null if absent or of another type. */
    Object valueIn(BsonDocument document) {
        BsonValue value = document == null ? null : document.get(field);
        return value == null ? null : convert(value);
    }

    private Object convert(BsonValue v) {
        switch (type.kind()) {
            case BOOLEAN:
                return v.isBoolean() ? v.asBoolean().getValue() : null;
            case INT32:
                return v.isInt32() ? v.asInt32().getValue() : null;
            case INT64:
                return v.isInt64() ? (Object) v.asInt64().getValue() : v.isInt32() ? (long) v.asInt32().getValue() : null;
            case FLOAT64:
                if (v.isDouble()) {
                    return v.asDouble().getValue();
                }
                if (v.isInt32()) {
                    return (double) v.asInt32().getValue();
                }
                return v.isInt64() && Math.abs(v.asInt64().getValue()) <= MAX_EXACT_DOUBLE
                        ? (double) v.asInt64().getValue() : null;
            case STRING:
                return v.isString() ? v.asString().getValue() : null;
            case TIMESTAMP_TZ:
                return v.isDateTime() ? Instant.ofEpochMilli(v.asDateTime().getValue()) : null;
            case DECIMAL:
                return decimal(v);
            default:
                throw new IllegalStateException("unsupported promotion type " + type);
        }
    }

    private BigDecimal decimal(BsonValue v) {
        BigDecimal value;
        if (v.isDecimal128()) {
            Decimal128 d = v.asDecimal128().getValue();
            if (d.isNaN() || d.isInfinite()) {
                return null;
            }
            value = new BigDecimal(d.toString()); // also right for -0, which bigDecimalValue() refuses
        } else if (v.isInt32() || v.isInt64()) {
            value = BigDecimal.valueOf(v.isInt32() ? v.asInt32().getValue() : v.asInt64().getValue());
        } else {
            return null;
        }
        if (!type.hasPrecision()) {
            return value;
        }
        try {
            BigDecimal scaled = value.setScale(type.scale());
            return scaled.precision() <= type.precision() ? scaled : null;
        } catch (ArithmeticException e) {
            return null; // more digits after the point than the column keeps: not rounded, left in the JSON
        }
    }
}

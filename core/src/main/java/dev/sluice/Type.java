package dev.sluice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A logical column type: the small type system every source maps into and every sink maps out of.
 *
 * <p>Each {@link Kind} fixes the Java class its non-null values have:
 *
 * <table>
 *   <caption>Kinds and their Java values</caption>
 *   <tr><th>kind</th><th>Java value</th><th>notes</th></tr>
 *   <tr><td>{@code BOOLEAN}</td><td>{@link Boolean}</td><td></td></tr>
 *   <tr><td>{@code INT16}, {@code INT32}, {@code INT64}</td><td>{@link Short}, {@link Integer}, {@link Long}</td>
 *       <td>an unsigned source type that does not fit maps to the next wider kind, or to {@code DECIMAL}</td></tr>
 *   <tr><td>{@code FLOAT32}, {@code FLOAT64}</td><td>{@link Float}, {@link Double}</td><td></td></tr>
 *   <tr><td>{@code DECIMAL}</td><td>{@link BigDecimal}</td>
 *       <td>with {@link #decimal(int, int) precision and scale}, the value has exactly that scale and at most that
 *       many digits; {@link #decimal() unconstrained}, any scale</td></tr>
 *   <tr><td>{@code STRING}</td><td>{@link String}</td><td></td></tr>
 *   <tr><td>{@code BYTES}</td><td>{@code byte[]}</td><td>never modified once handed over</td></tr>
 *   <tr><td>{@code DATE}</td><td>{@link LocalDate}</td><td></td></tr>
 *   <tr><td>{@code TIME}</td><td>{@link LocalTime}</td><td>microsecond precision at most</td></tr>
 *   <tr><td>{@code TIMESTAMP}</td><td>{@link LocalDateTime}</td>
 *       <td>a wall-clock time without zone (PostgreSQL {@code timestamp}, MySQL {@code DATETIME}): never shifted;
 *       microsecond precision at most</td></tr>
 *   <tr><td>{@code TIMESTAMP_TZ}</td><td>{@link Instant}</td>
 *       <td>a point in time (PostgreSQL {@code timestamptz}, MySQL {@code TIMESTAMP}, MongoDB dates);
 *       microsecond precision at most</td></tr>
 *   <tr><td>{@code INTERVAL}</td><td>{@link Interval}</td><td>months, days and microseconds, kept apart</td></tr>
 *   <tr><td>{@code UUID}</td><td>{@link UUID}</td><td></td></tr>
 *   <tr><td>{@code JSON}</td><td>{@link String}</td><td>the JSON text, as the source stores it</td></tr>
 *   <tr><td>{@code ENUM}</td><td>{@link String}</td><td>the label; {@link #enumValues()} lists the labels where
 *       known (informational, not checked)</td></tr>
 *   <tr><td>{@code ARRAY}</td><td>{@link List}</td><td>elements of the {@link #elementType() element type}, nulls
 *       allowed</td></tr>
 *   <tr><td>{@code UNKNOWN}</td><td>{@link String}</td><td>a source type the mapping does not know: the value
 *       travels as the server's text form, and {@link Column#sourceType()} names the original type. Never
 *       dropped.</td></tr>
 * </table>
 *
 * <p>Types are immutable, thread-safe values: two types with the same kind and parameters are equal.
 */
public final class Type {

    /** The kinds of logical type, each with the Java class of its values. */
    public enum Kind {
        /** True or false: {@link Boolean}. */
        BOOLEAN(Boolean.class),
        /** A 16-bit signed integer: {@link Short}. */
        INT16(Short.class),
        /** A 32-bit signed integer: {@link Integer}. */
        INT32(Integer.class),
        /** A 64-bit signed integer: {@link Long}. */
        INT64(Long.class),
        /** A 32-bit IEEE 754 float: {@link Float}. */
        FLOAT32(Float.class),
        /** A 64-bit IEEE 754 float: {@link Double}. */
        FLOAT64(Double.class),
        /** An exact decimal, with or without declared precision and scale: {@link BigDecimal}. */
        DECIMAL(BigDecimal.class),
        /** Text: {@link String}. */
        STRING(String.class),
        /** Binary data: {@code byte[]}. */
        BYTES(byte[].class),
        /** A calendar date without zone: {@link LocalDate}. */
        DATE(LocalDate.class),
        /** A time of day without zone, to the microsecond: {@link LocalTime}. */
        TIME(LocalTime.class),
        /** A date and time without zone, never shifted, to the microsecond: {@link LocalDateTime}. */
        TIMESTAMP(LocalDateTime.class),
        /** A point in time, to the microsecond: {@link Instant}. */
        TIMESTAMP_TZ(Instant.class),
        /** Months, days and microseconds: {@link Interval}. */
        INTERVAL(Interval.class),
        /** A UUID: {@link java.util.UUID}. */
        UUID(UUID.class),
        /** A JSON document, as its text: {@link String}. */
        JSON(String.class),
        /** An enum label: {@link String}. */
        ENUM(String.class),
        /** A list of elements of one type: {@link List}. */
        ARRAY(List.class),
        /** A source type the mapping does not know, as the server's text: {@link String}. */
        UNKNOWN(String.class);

        private final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }

        /**
         * The class every non-null value of this kind is an instance of.
         *
         * @return the Java class of this kind's values
         */
        public Class<?> javaType() {
            return javaType;
        }
    }

    /** The {@code BOOLEAN} type. */
    public static final Type BOOLEAN = new Type(Kind.BOOLEAN);
    /** The {@code INT16} type. */
    public static final Type INT16 = new Type(Kind.INT16);
    /** The {@code INT32} type. */
    public static final Type INT32 = new Type(Kind.INT32);
    /** The {@code INT64} type. */
    public static final Type INT64 = new Type(Kind.INT64);
    /** The {@code FLOAT32} type. */
    public static final Type FLOAT32 = new Type(Kind.FLOAT32);
    /** The {@code FLOAT64} type. */
    public static final Type FLOAT64 = new Type(Kind.FLOAT64);
    /** The {@code STRING} type. */
    public static final Type STRING = new Type(Kind.STRING);
    /** The {@code BYTES} type. */
    public static final Type BYTES = new Type(Kind.BYTES);
    /** The {@code DATE} type. */
    public static final Type DATE = new Type(Kind.DATE);
    /** The {@code TIME} type. */
    public static final Type TIME = new Type(Kind.TIME);
    /** The {@code TIMESTAMP} type: no zone, never shifted. */
    public static final Type TIMESTAMP = new Type(Kind.TIMESTAMP);
    /** The {@code TIMESTAMP_TZ} type: an instant. */
    public static final Type TIMESTAMP_TZ = new Type(Kind.TIMESTAMP_TZ);
    /** The {@code INTERVAL} type. */
    public static final Type INTERVAL = new Type(Kind.INTERVAL);
    /** The {@code UUID} type. */
    public static final Type UUID = new Type(Kind.UUID);
    /** The {@code JSON} type. */
    public static final Type JSON = new Type(Kind.JSON);
    /** The {@code UNKNOWN} type; its columns must name their {@linkplain Column#sourceType() source type}. */
    public static final Type UNKNOWN = new Type(Kind.UNKNOWN);

    /** The largest precision a constrained decimal may declare (PostgreSQL's numeric limit). */
    public static final int MAX_DECIMAL_PRECISION = 1000;

    private static final Type UNCONSTRAINED_DECIMAL = new Type(Kind.DECIMAL, 0, 0, null, List.of());
    private static final Type ANY_ENUM = new Type(Kind.ENUM, 0, 0, null, List.of());

    private final Kind kind;
    private final int precision;
    private final int scale;
    private final Type elementType;
    private final List<String> enumValues;

    private Type(Kind kind) {
        this(kind, 0, 0, null, List.of());
    }

    private Type(Kind kind, int precision, int scale, Type elementType, List<String> enumValues) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
        this.elementType = elementType;
        this.enumValues = enumValues;
    }

    /**
     * A decimal with a fixed precision (total digits) and scale (digits after the point).
     *
     * @param precision the total number of digits, 1 to {@value #MAX_DECIMAL_PRECISION}
     * @param scale the digits after the point, 0 to {@code precision}
     * @return the decimal type
     * @throws IllegalArgumentException unless {@code 1 <= precision <= 1000} and {@code 0 <= scale <= precision}
     */
    public static Type decimal(int precision, int scale) {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException(
                    "decimal precision must be between 1 and " + MAX_DECIMAL_PRECISION + ", was " + precision
                            + " (use Type.decimal() for a decimal without a declared precision)");
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException(
                    "decimal scale must be between 0 and the precision " + precision + ", was " + scale
                            + " (use Type.decimal() for a decimal without a declared scale)");
        }
        return new Type(Kind.DECIMAL, precision, scale, null, List.of());
    }

    /**
     * A decimal without declared precision or scale (PostgreSQL {@code numeric}): values of any scale.
     *
     * @return the unconstrained decimal type
     */
    public static Type decimal() {
        return UNCONSTRAINED_DECIMAL;
    }

    /**
     * An enum whose labels are known, in declaration order. The labels are informational, not checked.
     *
     * @param labels the labels, not null; copied; empty for unknown labels
     * @return the enum type
     */
    public static Type enumOf(List<String> labels) {
        List<String> copy = List.copyOf(labels);
        return copy.isEmpty() ? ANY_ENUM : new Type(Kind.ENUM, 0, 0, null, copy);
    }

    /**
     * An enum whose labels are not known.
     *
     * @return the enum type without labels
     */
    public static Type enumType() {
        return ANY_ENUM;
    }

    /**
     * An array (a {@link List}) of the given element type.
     *
     * @param elementType the type of the elements, not null
     * @return the array type
     */
    public static Type arrayOf(Type elementType) {
        return new Type(Kind.ARRAY, 0, 0, Objects.requireNonNull(elementType, "elementType"), List.of());
    }

    /**
     * The kind of this type, which fixes the Java class of its values.
     *
     * @return the kind, never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The class every non-null value of this type is an instance of.
     *
     * @return the Java class of this type's values
     */
    public Class<?> javaType() {
        return kind.javaType;
    }

    /**
     * A decimal's declared precision, or 0 for an unconstrained decimal and every other kind.
     *
     * @return the precision, 0 or 1 to {@value #MAX_DECIMAL_PRECISION}
     */
    public int precision() {
        return precision;
    }

    /**
     * A decimal's declared scale, or 0 for an unconstrained decimal and every other kind.
     *
     * @return the scale, 0 or more
     */
    public int scale() {
        return scale;
    }

    /**
     * True for a decimal declared with precision and scale.
     *
     * @return true if {@link #precision()} and {@link #scale()} constrain the values
     */
    public boolean hasPrecision() {
        return kind == Kind.DECIMAL && precision > 0;
    }

    /**
     * An array's element type, or null for every other kind.
     *
     * @return the element type, or null
     */
    public Type elementType() {
        return elementType;
    }

    /**
     * An enum's labels where the source knows them, else empty.
     *
     * @return the labels in declaration order, unmodifiable; empty if unknown
     */
    public List<String> enumValues() {
        return enumValues;
    }

    /**
     * True if {@code value} is null or a valid value of this type (see the class description).
     *
     * @param value any object, or null
     * @return true if the value may be a value of a column of this type
     */
    public boolean accepts(Object value) {
        return rejection(value) == null;
    }

    /** Why {@code value} is not a valid value of this type, or null if it is. */
    String rejection(Object value) {
        if (value == null) {
            return null;
        }
        if (!kind.javaType.isInstance(value)) {
            return this + " takes a " + kind.javaType.getName() + ", got a " + value.getClass().getName();
        }
        switch (kind) {
            case DECIMAL:
                if (hasPrecision()) {
                    BigDecimal decimal = (BigDecimal) value;
                    if (decimal.scale() != scale || decimal.precision() > precision) {
                        return this + " takes values of scale " + scale + " and at most " + precision
                                + " digits, got " + decimal.toPlainString();
                    }
                }
                return null;
            case TIME:
                return micros(((LocalTime) value).getNano(), value);
            case TIMESTAMP:
                return micros(((LocalDateTime) value).getNano(), value);
            case TIMESTAMP_TZ:
                return micros(((Instant) value).getNano(), value);
            case ARRAY:
                for (Object element : (List<?>) value) {
                    String reason = elementType.rejection(element);
                    if (reason != null) {
                        return "an element of " + this + ": " + reason;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private String micros(int nanos, Object value) {
        return nanos % 1000 == 0 ? null : this + " keeps at most microseconds, got " + value;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof Type other
                        && kind == other.kind
                        && precision == other.precision
                        && scale == other.scale
                        && Objects.equals(elementType, other.elementType)
                        && enumValues.equals(other.enumValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, precision, scale, elementType, enumValues);
    }

    /** A readable form such as {@code decimal(12,2)}, {@code array<int32>} or {@code timestamp_tz}. */
    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        if (hasPrecision()) {
            return name + "(" + precision + "," + scale + ")";
        }
        if (kind == Kind.ARRAY) {
            return "array<" + elementType + ">";
        }
        if (kind == Kind.ENUM && !enumValues.isEmpty()) {
            return name + enumValues;
        }
        return name;
    }
}

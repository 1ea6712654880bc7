package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps PostgreSQL types (by OID and type modifier) to core types and value parsers, asking the catalog for what is
 * not built in: enums (with their labels), domains (as their base type), arrays (of a known element type) and
 * everything else as {@link Type#UNKNOWN} text. Cached per OID and modifier. Used by one thread.
 */
final class TypeResolver {

    private static final ValueParser TEXT = (text, column) -> text;

    private final Connection connection;
    private final NumericMode numericMode;
    private final Map<Long, PgType> cache = new HashMap<>();

    TypeResolver(Connection connection, NumericMode numericMode) {
        this.connection = connection;
        this.numericMode = numericMode;
    }

    PgType resolve(int oid, int typmod) throws SQLException {
        long key = (long) oid << 32 | (typmod & 0xffffffffL);
        PgType known = cache.get(key);
        if (known == null) {
            known = lookUp(oid, typmod);
            cache.put(key, known);
        }
        return known;
    }

    private PgType lookUp(int oid, int typmod) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT format_type(t.oid, ?), t.typtype, t.typelem,"
                + " t.typcategory, t.typbasetype, t.typtypmod FROM pg_type t WHERE t.oid = ?")) {
            ps.setInt(1, typmod);
            ps.setLong(2, oid & 0xffffffffL);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new PgType(Type.UNKNOWN, "oid " + oid, TEXT);
                }
                String name = rs.getString(1);
                PgType builtIn = builtIn(oid, typmod, name);
                if (builtIn != null) {
                    return builtIn;
                }
                String typtype = rs.getString(2);
                int element = (int) rs.getLong(3);
                String category = rs.getString(4);
                int base = (int) rs.getLong(5);
                int baseTypmod = rs.getInt(6);
                if ("e".equals(typtype)) {
                    return new PgType(Type.enumOf(enumLabels(oid)), name, TEXT);
                }
                if ("d".equals(typtype)) {
                    PgType baseType = resolve(base, baseTypmod);
                    return new PgType(baseType.type(), name, baseType.parser());
                }
                if ("A".equals(category) && element != 0) {
                    PgType elementType = resolve(element, typmod);
                    Type.Kind kind = elementType.type().kind();
                    if (kind != Type.Kind.UNKNOWN && kind != Type.Kind.ARRAY) {
                        ValueParser elementParser = elementType.parser();
                        return new PgType(Type.arrayOf(elementType.type()), name,
                                (text, column) -> PgArrays.parse(text, column, elementParser));
                    }
                }
                return new PgType(Type.UNKNOWN, name, TEXT);
            }
        }
    }

    private List<String> enumLabels(int oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder")) {
            ps.setLong(1, oid & 0xffffffffL);
            List<String> labels = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.add(rs.getString(1));
                }
            }
            return labels;
        }
    }

    private PgType builtIn(int oid, int typmod, String name) {
        switch (oid) {
            case 16: return new PgType(Type.BOOLEAN, name, (t, c) -> PgText.parseBoolean(t));
            case 17: return new PgType(Type.BYTES, name, (t, c) -> PgText.parseBytea(t));
            case 21: return new PgType(Type.INT16, name, (t, c) -> Short.valueOf(t));
            case 23: return new PgType(Type.INT32, name, (t, c) -> Integer.valueOf(t));
            case 20: case 26: return new PgType(Type.INT64, name, (t, c) -> Long.valueOf(t));
            case 700: return new PgType(Type.FLOAT32, name, (t, c) -> Float.valueOf(t));
            case 701: return new PgType(Type.FLOAT64, name, (t, c) -> Double.valueOf(t));
            case 18: case 19: case 25: case 1042: case 1043: return new PgType(Type.STRING, name, TEXT);
            case 114: case 3802: return new PgType(Type.JSON, name, TEXT);
            case 2950: return new PgType(Type.UUID, name, (t, c) -> UUID.fromString(t));
            case 1082: return new PgType(Type.DATE, name, (t, c) -> PgText.parseDate(t));
            case 1083: return new PgType(Type.TIME, name, (t, c) -> PgText.parseTime(t));
            // timetz keeps its offset: the server's ISO text, e.g. 13:45:00.5+02 (docs/source-postgres.md)
            case 1266: return new PgType(Type.STRING, name, TEXT);
            case 1114: return new PgType(Type.TIMESTAMP, name, (t, c) -> PgText.parseTimestamp(t));
            case 1184: return new PgType(Type.TIMESTAMP_TZ, name, (t, c) -> PgText.parseTimestampTz(t));
            case 1186: return new PgType(Type.INTERVAL, name, (t, c) -> PgText.parseInterval(t));
            case 1700: return numeric(typmod, name);
            default: return null;
        }
    }

    private PgType numeric(int typmod, String name) {
        if (numericMode == NumericMode.TEXT) {
            return new PgType(Type.STRING, name, TEXT);
        }
        Type type = Type.decimal();
        if (typmod >= 4) {
            int precision = (typmod - 4) >> 16 & 0xffff;
            // PostgreSQL 15 allows a negative scale or one above the precision: keep those unconstrained
            int scale = (short) ((typmod - 4) & 0xffff);
            if (precision >= 1 && precision <= Type.MAX_DECIMAL_PRECISION && scale >= 0 && scale <= precision) {
                type = Type.decimal(precision, scale);
            }
        }
        return new PgType(type, name, TypeResolver::parseNumeric);
    }

    static BigDecimal parseNumeric(String text, String column) {
        if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
            throw new FatalException("column " + column + " holds the numeric value " + text + ", which a decimal"
                    + " cannot represent. Either change that value in the database (for example to NULL), or"
                    + " build the source with .numericMode(NumericMode.TEXT) (CLI: --numeric-mode text) to capture"
                    + " every numeric column as its exact text; the pipeline resumes from where it stopped.");
        }
        return new BigDecimal(text);
    }
}

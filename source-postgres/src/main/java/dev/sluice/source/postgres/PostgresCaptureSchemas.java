package dev.sluice.source.postgres;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table's columns and primary key from {@code pg_catalog} and maps them to logical types the way the
 * log source does, for timestamp and trigger capture. Stateless.
 */
final class PostgresCaptureSchemas {

    private static final String COLUMNS = "SELECT a.attname, t.typname, t.typtype, format_type(a.atttypid, "
            + "a.atttypmod), a.attnotnull, a.atttypmod, e.typname, e.typtype, a.atttypid, t.typelem, "
            + "coalesce(b.typname, '') "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_type t ON t.oid = a.atttypid "
            + "LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A' "
            + "LEFT JOIN pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd' "
            + "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    private static final String KEY = "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true "
            + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            + "WHERE i.indisprimary AND n.nspname = ? AND c.relname = ? ORDER BY k.ord";

    private PostgresCaptureSchemas() {}

    static Schema read(Connection connection, TableId table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String typname = rs.getString(2);
                    String typtype = rs.getString(3);
                    String formatted = rs.getString(4);
                    int typmod = rs.getInt(6);
                    Type type;
                    if ("e".equals(typtype)) {
                        type = Type.enumOf(labels(connection, rs.getLong(9)));
                    } else if (rs.getString(7) != null) {
                        Type element = "e".equals(rs.getString(8)) ? Type.enumOf(labels(connection, rs.getLong(10)))
                                : scalar(rs.getString(7), -1);
                        type = element.kind() == Type.Kind.UNKNOWN ? Type.UNKNOWN : Type.arrayOf(element);
                    } else if ("d".equals(typtype)) {
                        type = scalar(rs.getString(11), -1);
                    } else {
                        type = scalar(typname, typmod);
                    }
                    columns.add(new Column(rs.getString(1), type, !rs.getBoolean(5), formatted));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(KEY)) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return Schema.of(columns, key);
    }

    private static Type scalar(String typname, int typmod) {
        switch (typname) {
            case "bool": return Type.BOOLEAN;
            case "int2": return Type.INT16;
            case "int4": return Type.INT32;
            case "int8": case "oid": return Type.INT64;
            case "float4": return Type.FLOAT32;
            case "float8": return Type.FLOAT64;
            case "numeric": return numeric(typmod);
            case "text": case "varchar": case "bpchar": case "name": case "char": case "citext": case "timetz":
                return Type.STRING;
            case "bytea": return Type.BYTES;
            case "date": return Type.DATE;
            case "time": return Type.TIME;
            case "timestamp": return Type.TIMESTAMP;
            case "timestamptz": return Type.TIMESTAMP_TZ;
            case "interval": return Type.INTERVAL;
            case "uuid": return Type.UUID;
            case "json": case "jsonb": return Type.JSON;
            default: return Type.UNKNOWN;
        }
    }

    private static Type numeric(int typmod) {
        if (typmod < 4) {
            return Type.decimal();
        }
        int precision = ((typmod - 4) >> 16) & 0xffff;
        int scale = (typmod - 4) & 0xffff;
        boolean fits = precision >= 1 && precision <= Type.MAX_DECIMAL_PRECISION && scale <= precision;
        return fits ? Type.decimal(precision, scale) : Type.decimal();
    }

    private static List<String> labels(Connection connection, long typeOid) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder")) {
            ps.setLong(1, typeOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.add(rs.getString(1));
                }
            }
        }
        return labels;
    }
}

package dev.sluice.source.mysql;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a table's columns and primary key from {@code information_schema} and maps them to logical types, for
 * timestamp and trigger capture on MySQL and MariaDB. Stateless.
 */
final class MySqlCaptureSchemas {

    private MySqlCaptureSchemas() {}

    static Schema read(Connection connection, TableId table) throws SQLException {
        Set<String> jsonColumns = jsonChecks(connection, table);
        List<Column> columns = new ArrayList<>();
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, "
                + "NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String dataType = rs.getString(2).toLowerCase(Locale.ROOT);
                    String columnType = rs.getString(3);
                    Type type = jsonColumns.contains(name) ? Type.JSON
                            : map(dataType, columnType, rs.getInt(4), rs.getInt(5));
                    columns.add(new Column(name, type, "YES".equals(rs.getString(6)), rs.getString(3)));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME FROM "
                + "information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
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

    /** MariaDB's JSON is LONGTEXT with a {@code json_valid} check: the columns that have one. */
    private static Set<String> jsonChecks(Connection connection, TableId table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT CHECK_CLAUSE FROM "
                + "information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String clause = rs.getString(1);
                    if (clause.startsWith("json_valid(`") && clause.endsWith("`)")) {
                        names.add(clause.substring(12, clause.length() - 2).replace("``", "`"));
                    }
                }
            }
        } catch (SQLException e) {
            // MySQL 5.7 has no CHECK_CONSTRAINTS (and a real JSON type instead): nothing to find
            if (!"42S02".equals(e.getSQLState()) && e.getErrorCode() != 1109) {
                throw e;
            }
        }
        return names;
    }

    static Type map(String dataType, String rawColumnType, int precision, int scale) {
        String columnType = rawColumnType.toLowerCase(Locale.ROOT);
        boolean unsigned = columnType.contains("unsigned");
        switch (dataType) {
            case "tinyint":
                return columnType.startsWith("tinyint(1)") && !unsigned ? Type.BOOLEAN : Type.INT16;
            case "smallint":
                return unsigned ? Type.INT32 : Type.INT16;
            case "mediumint":
                return Type.INT32;
            case "int":
            case "integer":
                return unsigned ? Type.INT64 : Type.INT32;
            case "bigint":
                return unsigned ? Type.decimal(20, 0) : Type.INT64;
            case "decimal":
            case "numeric":
                return Type.decimal(precision, scale);
            case "float":
                return Type.FLOAT32;
            case "double":
            case "real":
                return Type.FLOAT64;
            case "bit":
                return columnType.equals("bit(1)") ? Type.BOOLEAN : Type.INT64;
            case "year":
                return Type.INT16;
            case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext":
            case "set":
                return Type.STRING;
            case "enum":
                return Type.enumOf(labels(rawColumnType));
            case "json":
                return Type.JSON;
            case "binary": case "varbinary": case "tinyblob": case "blob": case "mediumblob": case "longblob":
                return Type.BYTES;
            case "date":
                return Type.DATE;
            case "time":
                return Type.TIME;
            case "datetime":
                return Type.TIMESTAMP;
            case "timestamp":
                return Type.TIMESTAMP_TZ;
            case "uuid":
                return Type.UUID;
            default:
                return Type.UNKNOWN;
        }
    }

    /** The labels of {@code enum('a','b''c')}. */
    private static List<String> labels(String columnType) {
        List<String> labels = new ArrayList<>();
        String body = columnType.substring(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
        StringBuilder label = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'' && inside && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                label.append('\'');
                i++;
            } else if (c == '\'') {
                if (inside) {
                    labels.add(label.toString());
                    label.setLength(0);
                }
                inside = !inside;
            } else if (inside) {
                label.append(c);
            }
        }
        return labels;
    }
}

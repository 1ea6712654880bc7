package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import dev.sluice.FatalException;
import dev.sluice.TableId;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a binlog TABLE_MAP event into the table's definition as it was when the rows that follow it were written.
 * With {@code binlog_row_metadata=FULL} every TABLE_MAP carries column names, signedness, character sets, ENUM and
 * SET labels and the primary key; types, precisions and nullability are in every TABLE_MAP. So each rows event is
 * decoded with the schema of its own time, and no schema history needs to be kept. One thing the binlog does not
 * say: that a MariaDB LONGTEXT column is JSON; {@code jsonColumns} says that (from {@code information_schema}).
 */
final class TableMaps {

    // binlog column type codes (MySQL's enum_field_types)
    private static final int DECIMAL_OLD = 0;
    private static final int TINY = 1;
    private static final int SHORT = 2;
    private static final int LONG = 3;
    private static final int FLOAT = 4;
    private static final int DOUBLE = 5;
    private static final int TIMESTAMP = 7;
    private static final int LONGLONG = 8;
    private static final int INT24 = 9;
    private static final int DATE = 10;
    private static final int TIME = 11;
    private static final int DATETIME = 12;
    private static final int YEAR = 13;
    private static final int NEWDATE = 14;
    private static final int VARCHAR = 15;
    private static final int BIT = 16;
    private static final int TIMESTAMP2 = 17;
    private static final int DATETIME2 = 18;
    private static final int TIME2 = 19;
    private static final int JSON = 245;
    private static final int NEWDECIMAL = 246;
    private static final int ENUM = 247;
    private static final int SET = 248;
    private static final int BLOB = 252;
    private static final int VAR_STRING = 253;
    private static final int STRING = 254;
    private static final int GEOMETRY = 255;

    private TableMaps() {}

    /**
     * The definition carried by a TABLE_MAP.
     *
     * @param collations character set names by collation id
     * @param jsonColumns the columns of this table that MariaDB declares JSON
     * @throws FatalException if the event lacks the FULL metadata, or a column has a type or charset the source
     *     does not support
     */
    static InfoSchema.TableDef definition(TableMapEventData event, Map<Integer, String> collations,
            Set<String> jsonColumns) {
        TableId id = TableId.of(event.getDatabase(), event.getTable());
        if (!(event instanceof TableMap map) || map.columns().names() == null) {
            throw new FatalException("the binlog's TABLE_MAP event for " + id + " carries no column names. Fix: set"
                    + " binlog_row_metadata=FULL on the server (SET GLOBAL binlog_row_metadata=FULL and in the"
                    + " option file; MySQL 8.0.1+ or MariaDB 10.5+), then restart the pipeline");
        }
        TableMap.Columns meta = map.columns();
        byte[] types = map.getColumnTypes();
        int[] metadata = map.getColumnMetadata();
        BitSet nullable = map.getColumnNullability();
        List<ColumnSpec> specs = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            String name = meta.names().get(i);
            int code = types[i] & 0xFF;
            int m = metadata[i];
            int length = m;
            if (code == STRING && m >= 256) {
                int real = m >> 8;
                length = m & 0xFF;
                if ((real & 0x30) != 0x30) {
                    // CHAR longer than 255 bytes keeps length bits in the type byte: it is still a CHAR
                    length |= ((real & 0x30) ^ 0x30) << 4;
                    real = STRING;
                }
                code = real;
            }
            MySqlType type;
            boolean unsigned = false;
            int precision = 0;
            int scale = 0;
            Charset charset = null;
            List<String> labels = List.of();
            switch (code) {
                case TINY, SHORT, INT24, LONG, LONGLONG, FLOAT, DOUBLE, NEWDECIMAL -> {
                    unsigned = meta.unsigned()[i];
                    type = switch (code) {
                        case TINY -> MySqlType.TINYINT;
                        case SHORT -> MySqlType.SMALLINT;
                        case INT24 -> MySqlType.MEDIUMINT;
                        case LONG -> MySqlType.INT;
                        case LONGLONG -> MySqlType.BIGINT;
                        case FLOAT -> MySqlType.FLOAT;
                        case DOUBLE -> MySqlType.DOUBLE;
                        default -> MySqlType.DECIMAL;
                    };
                    if (code == NEWDECIMAL) {
                        precision = m & 0xFF;
                        scale = m >> 8;
                    }
                }
                case BIT -> {
                    type = MySqlType.BIT;
                    precision = (m >> 8) * 8 + (m & 0xFF);
                }
                case YEAR -> type = MySqlType.YEAR;
                case DATE, NEWDATE -> type = MySqlType.DATE;
                case TIME -> type = MySqlType.TIME;
                case TIME2 -> {
                    type = MySqlType.TIME;
                    precision = m;
                }
                case DATETIME -> type = MySqlType.DATETIME;
                case DATETIME2 -> {
                    type = MySqlType.DATETIME;
                    precision = m;
                }
                case TIMESTAMP -> type = MySqlType.TIMESTAMP;
                case TIMESTAMP2 -> {
                    type = MySqlType.TIMESTAMP;
                    precision = m;
                }
                case STRING, VARCHAR, VAR_STRING, BLOB -> {
                    charset = charset(id, name, meta.collations()[i], collations);
                    boolean text = charset != null;
                    if (code == BLOB) {
                        type = MySqlType.lob(m, text);
                        if (type == MySqlType.LONGTEXT && jsonColumns.contains(name)) {
                            type = MySqlType.JSON;
                        }
                    } else if (code == STRING) {
                        type = text ? MySqlType.CHAR : MySqlType.BINARY;
                        // the binlog drops a BINARY value's trailing zero bytes: remember the length to restore them
                        precision = text ? 0 : length;
                    } else {
                        type = text ? MySqlType.VARCHAR : MySqlType.VARBINARY;
                    }
                }
                case ENUM, SET -> {
                    type = code == ENUM ? MySqlType.ENUM : MySqlType.SET;
                    labels = labels(id, name, meta.labels()[i], meta.enumSetCollations()[i], collations);
                }
                case JSON -> type = MySqlType.JSON;
                case GEOMETRY -> type = MySqlType.GEOMETRY;
                default -> throw new FatalException("column '" + name + "' of " + id + " has binlog type code " + code
                        + (code == DECIMAL_OLD ? " (a pre-5.0 DECIMAL)" : "") + ", which the MySQL source does not"
                        + " support. Fix: leave the table out with tables(TableFilter…exclude(\"" + id + "\")), or"
                        + " change the column's type.");
            }
            specs.add(new ColumnSpec(name, type, unsigned, precision, scale, charset, labels, nullable.get(i)));
        }
        List<String> key = meta.key().stream().map(k -> specs.get(k).name()).toList();
        return new InfoSchema.TableDef(id, specs, key);
    }

    /** ENUM or SET labels, decoded with the character set of the column's labels (never the JVM's default). */
    private static List<String> labels(TableId id, String column, byte[][] raw, int collation,
            Map<Integer, String> collations) {
        if (raw == null) {
            throw new FatalException("the binlog's TABLE_MAP event for " + id + " carries no labels for column '"
                    + column + "'. Fix: set binlog_row_metadata=FULL on the server");
        }
        // without a charset field (not written by every server version) the labels are utf8, as information_schema
        Charset charset = collation == TableMap.NONE ? StandardCharsets.UTF_8
                : charset(id, column, collation, collations);
        Charset decoding = charset == null ? StandardCharsets.UTF_8 : charset;
        List<String> labels = new ArrayList<>(raw.length);
        for (byte[] label : raw) {
            labels.add(new String(label, decoding));
        }
        return labels;
    }

    private static Charset charset(TableId id, String column, int collation, Map<Integer, String> collations) {
        if (collation == TableMap.NONE) {
            throw new FatalException("the binlog's TABLE_MAP event for " + id + " carries no character set for column '"
                    + column + "'. Fix: set binlog_row_metadata=FULL on the server");
        }
        String name = collations.get(collation);
        if (name == null) {
            throw new FatalException("column '" + column + "' of " + id + " uses collation id " + collation
                    + ", which information_schema.COLLATIONS does not list. Fix: convert the column to utf8mb4");
        }
        try {
            return Charsets.forMySql(name);
        } catch (IllegalArgumentException e) {
            throw new FatalException("column '" + column + "' of " + id + ": " + e.getMessage(), e);
        }
    }
}

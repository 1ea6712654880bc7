package dev.sluice.sink.jdbc;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB: {@code ON DUPLICATE KEY UPDATE} upserts, binary no-pad collation so that keys compare exactly,
 * UTC sessions for {@code TIMESTAMP}, strict SQL mode so that nothing is truncated silently. DDL commits implicitly.
 */
final class MySqlDialect extends SqlDialect {

    /** Widest decimal MySQL stores exactly. */
    static final int MAX_PRECISION = 65;
    static final int MAX_SCALE = 30;
    /**
     * A key column of text on its own: 768 characters of utf8mb4 fill InnoDB's 3072-byte index limit. A new table's
     * key is typed by {@link MySqlKeyTypes}, which shares the limit among the key's columns.
     */
    private static final String TEXT_KEY = "VARCHAR(768)";

    private final boolean mariaDb;

    MySqlDialect(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    @Override
    JdbcDialect dialect() {
        return mariaDb ? JdbcDialect.MARIADB : JdbcDialect.MYSQL;
    }

    @Override
    char quote() {
        return '`';
    }

    @Override
    int maxIdentifierLength() {
        return 64;
    }

    @Override
    int identifierLength(String name) {
        return name.codePointCount(0, name.length());
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    boolean caseInsensitiveColumns() {
        return true;
    }

    @Override
    String currentNamespaceQuery() {
        return "SELECT DATABASE()";
    }

    @Override
    List<String> prepareSession(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            List<String> restore;
            try (ResultSet rs = statement.executeQuery("SELECT @@session.time_zone, @@session.sql_mode")) {
                rs.next();
                restore = List.of("SET time_zone = " + literal(rs.getString(1)),
                        "SET sql_mode = " + literal(rs.getString(2)));
            }
            // instants are bound as UTC wall-clock text; strict mode turns truncation into errors
            statement.execute("SET time_zone = '+00:00'");
            statement.execute("SET sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                    + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
            return restore;
        }
    }


    @Override
    String columnType(Column column, boolean key, String where) {
        Type type = column.type();
        return switch (type.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> decimal(type, where);
            case STRING, ENUM, UNKNOWN -> key ? TEXT_KEY : "LONGTEXT";
            case BYTES -> key ? "VARBINARY(3072)" : "LONGBLOB";
            case DATE -> "DATE";
            case TIME -> "TIME(6)";
            case TIMESTAMP -> "DATETIME(6)";
            case TIMESTAMP_TZ -> "TIMESTAMP(6)";
            case INTERVAL -> "VARCHAR(64)"; // ISO-8601 text, e.g. P1Y2M3DT4H5M6.000007S
            case UUID -> "CHAR(36)";
            case JSON, ARRAY -> key ? TEXT_KEY : "JSON";
        };
    }

    private static String decimal(Type type, String where) {
        if (!type.hasPrecision()) {
            return "DECIMAL(" + MAX_PRECISION + "," + MAX_SCALE + ")"; // values that do not fit are refused at bind
        }
        if (type.precision() > MAX_PRECISION || type.scale() > MAX_SCALE) {
            throw new FatalException(where + " is " + type + ", wider than MySQL's DECIMAL(65,30). Fix: create the"
                    + " target column yourself as LONGTEXT (the sink then writes the exact decimal text) and restart.");
        }
        return "DECIMAL(" + type.precision() + "," + type.scale() + ")";
    }

    @Override
    String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + (mariaDb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin");
    }

    @Override
    String requiredColumnsQuery() {
        return "SELECT column_name, column_type, character_set_name, collation_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND is_nullable = 'NO' AND column_default IS NULL"
                + " AND extra NOT LIKE '%auto_increment%' AND extra NOT LIKE '%GENERATED%'";
    }

    /** MODIFY restates the column: its full type, character set and collation (it has no default to keep). */
    @Override
    String dropNotNull(String qualified, String column, String type, String charset, String collation) {
        return "ALTER TABLE " + qualified + " MODIFY COLUMN " + quoteName(column) + " " + type
                + (charset != null ? " CHARACTER SET " + charset : "")
                + (collation != null ? " COLLATE " + collation : "") + " NULL";
    }

    @Override
    String alterColumnType(String qualified, String column, String type, boolean key) {
        // MODIFY restates the whole column: the sink's columns are nullable apart from the key, without defaults
        return "ALTER TABLE " + qualified + " MODIFY COLUMN " + quoteName(column) + " " + type
                + (key ? " NOT NULL" : " NULL");
    }

    @Override
    String parameter(Column column) {
        return "?"; // MySQL takes parameters untyped
    }

    @Override
    String literal(String text) {
        // backslash is an escape character in MySQL literals unless NO_BACKSLASH_ESCAPES is set (the sink does not)
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    List<String> createTable(String create, String qualified, String comment) {
        return List.of(create + tableOptions() + " COMMENT=" + literal(comment)); // one statement: DDL commits
    }

    @Override
    String tableCommentQuery() {
        return "SELECT table_comment FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
    }

    @Override
    String booleanType() {
        return "BOOLEAN";
    }

    @Override
    String upsert(String table, List<String> columns, List<String> key, List<String> update) {
        // with nothing else to set, re-setting the first key column is the no-op MySQL needs (INSERT IGNORE
        // would also swallow real errors)
        List<String> set = update.isEmpty() ? key.subList(0, 1) : update;
        return "INSERT INTO " + table + " (" + quotedList(columns) + ") VALUES (" + placeholders(columns.size())
                + ") ON DUPLICATE KEY UPDATE " + set.stream()
                        .map(c -> quoteName(c) + " = VALUES(" + quoteName(c) + ")")
                        .collect(Collectors.joining(", "));
    }

    @Override
    String deleteAll(String table) {
        return "DELETE FROM " + table; // TRUNCATE would commit the transaction implicitly
    }

    @Override
    void bind(PreparedStatement statement, int index, Type type, Object value, TargetColumn target, String where)
            throws SQLException {
        if (value == null) {
            bindNull(statement, index);
            return;
        }
        switch (type.kind()) {
            case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            case INT16 -> statement.setShort(index, (Short) value);
            case INT32 -> statement.setInt(index, (Integer) value);
            case INT64 -> statement.setLong(index, (Long) value);
            case FLOAT32 -> statement.setFloat(index, finite((Float) value, where));
            case FLOAT64 -> statement.setDouble(index, finite((Double) value, where));
            case DECIMAL -> bindDecimal(statement, index, (BigDecimal) value,
                    target != null ? target : new TargetColumn("", "decimal", MAX_PRECISION, MAX_SCALE), where);
            case BYTES -> statement.setBytes(index, checked((byte[]) value, target, where));
            // temporals as text: no driver or JVM time zone can shift them
            case DATE -> statement.setString(index, ((LocalDate) value).toString());
            case TIME -> statement.setString(index, Values.time((LocalTime) value));
            case TIMESTAMP -> statement.setString(index, Values.dateTime((LocalDateTime) value));
            case TIMESTAMP_TZ -> statement.setString(index, Values.utc((Instant) value));
            case ARRAY -> statement.setString(index, checked(Values.json(value), target, where));
            case STRING, JSON, ENUM, UNKNOWN, UUID, INTERVAL -> statement.setString(index,
                    checked(value.toString(), target, where));
        }
    }

    private static <T> T checked(T value, TargetColumn target, String where) {
        checkLength(value, target, where);
        return value;
    }

    /** The key's columns share InnoDB's key limit: see {@link MySqlKeyTypes}. */
    @Override
    List<String> keyTypes(List<Column> key, String table) {
        return MySqlKeyTypes.of(key, table, this);
    }

    private static <T extends Number> T finite(T value, String where) {
        double d = value.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new FatalException("the value " + value + " of " + where + " cannot be stored: MySQL and MariaDB"
                    + " floating-point columns hold no NaN or infinity. Fix: filter or map the value at the source.");
        }
        return value;
    }
}

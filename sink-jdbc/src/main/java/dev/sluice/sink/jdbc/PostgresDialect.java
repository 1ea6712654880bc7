package dev.sluice.sink.jdbc;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/** PostgreSQL: native types for everything, {@code ON CONFLICT} upserts, transactional DDL and TRUNCATE. */
final class PostgresDialect extends SqlDialect {

    @Override
    JdbcDialect dialect() {
        return JdbcDialect.POSTGRESQL;
    }

    @Override
    char quote() {
        return '"';
    }

    @Override
    int maxIdentifierLength() {
        return 63;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    boolean caseInsensitiveColumns() {
        return false;
    }

    @Override
    String currentNamespaceQuery() {
        return "SELECT current_schema()";
    }

    @Override
    List<String> prepareSession(Connection connection) {
        // nothing: every value is bound with its own type, so no session setting changes what is stored
        return List.of();
    }

    @Override
    String columnType(Column column, boolean key, String where) {
        Type type = column.type();
        return switch (type.kind()) {
            case ARRAY -> type.elementType().kind() == Type.Kind.ARRAY
                    ? "jsonb" // PostgreSQL arrays are rectangular: nested lists are kept as JSON
                    : scalarType(type.elementType()) + "[]";
            default -> scalarType(type);
        };
    }

    private static String scalarType(Type type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case DECIMAL -> type.hasPrecision() ? "numeric(" + type.precision() + "," + type.scale() + ")" : "numeric";
            case STRING, ENUM, UNKNOWN -> "text";
            case BYTES -> "bytea";
            case DATE -> "date";
            case TIME -> "time(6)";
            case TIMESTAMP -> "timestamp(6)";
            case TIMESTAMP_TZ -> "timestamptz(6)";
            case INTERVAL -> "interval";
            case UUID -> "uuid";
            case JSON -> "jsonb";
            case ARRAY -> "jsonb";
        };
    }

    @Override
    String tableOptions() {
        return "";
    }

    @Override
    String requiredColumnsQuery() {
        return "SELECT column_name, data_type, NULL, NULL FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = ? AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'"
                + " AND is_generated = 'NEVER'";
    }

    @Override
    String dropNotNull(String qualified, String column, String type, String charset, String collation) {
        return "ALTER TABLE " + qualified + " ALTER COLUMN " + quoteName(column) + " DROP NOT NULL";
    }

    @Override
    String alterColumnType(String qualified, String column, String type, boolean key) {
        return "ALTER TABLE " + qualified + " ALTER COLUMN " + quoteName(column) + " TYPE " + type;
    }

    @Override
    String parameter(Column column) {
        return "CAST(? AS " + columnType(column, true, "column '" + column.name() + "'") + ")";
    }

    @Override
    String literal(String text) {
        return "'" + text.replace("'", "''") + "'"; // standard_conforming_strings is on since PostgreSQL 9.1
    }

    @Override
    List<String> createTable(String create, String qualified, String comment) {
        // both in the same transaction: PostgreSQL DDL is transactional
        return List.of(create, "COMMENT ON TABLE " + qualified + " IS " + literal(comment));
    }

    @Override
    String tableCommentQuery() {
        return "SELECT obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
    }

    @Override
    String booleanType() {
        return "boolean";
    }

    @Override
    String upsert(String table, List<String> columns, List<String> key, List<String> update) {
        String insert = "INSERT INTO " + table + " (" + quotedList(columns) + ") VALUES ("
                + placeholders(columns.size()) + ") ON CONFLICT (" + quotedList(key) + ") ";
        if (update.isEmpty()) {
            return insert + "DO NOTHING";
        }
        return insert + "DO UPDATE SET " + update.stream()
                .map(c -> quoteName(c) + " = EXCLUDED." + quoteName(c))
                .collect(Collectors.joining(", "));
    }

    @Override
    String deleteAll(String table) {
        return "TRUNCATE TABLE " + table; // transactional in PostgreSQL
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
            case FLOAT32 -> statement.setFloat(index, (Float) value);
            case FLOAT64 -> statement.setDouble(index, (Double) value);
            case DECIMAL -> bindDecimal(statement, index, (BigDecimal) value, target, where);
            case STRING -> {
                checkLength(value, target, where);
                statement.setString(index, checkText((String) value, where));
            }
            case BYTES -> statement.setBytes(index, (byte[]) value);
            case TIMESTAMP_TZ -> statement.setObject(index, OffsetDateTime.ofInstant((Instant) value, ZoneOffset.UTC));
            case DATE, TIME, TIMESTAMP, UUID -> statement.setObject(index, value);
            case INTERVAL -> statement.setObject(index, Values.pgInterval((Interval) value), Types.OTHER);
            // untyped text: the server reads it as the target column's type (jsonb, an enum type, text, …)
            case JSON, ENUM, UNKNOWN -> statement.setObject(index, checkText((String) value, where), Types.OTHER);
            case ARRAY -> statement.setObject(index, type.elementType().kind() == Type.Kind.ARRAY
                    ? Values.json(value) : checkText(Values.pgArray((List<?>) value), where), Types.OTHER);
        }
    }

    private static String checkText(String text, String where) {
        if (text.indexOf('\0') >= 0) {
            throw new FatalException("the text of " + where + " holds a NUL character (U+0000), which PostgreSQL"
                    + " text cannot store. Fix: strip NULs at the source, or map the column to bytes.");
        }
        return text;
    }
}

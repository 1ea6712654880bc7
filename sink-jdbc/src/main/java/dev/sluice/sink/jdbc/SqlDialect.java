package dev.sluice.sink.jdbc;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The SQL one target database takes: quoting, column types, upserts, value binding. Stateless, thread-safe. */
abstract class SqlDialect {

    static SqlDialect of(JdbcDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> new PostgresDialect();
            case MARIADB -> new MySqlDialect(true);
            case MYSQL -> new MySqlDialect(false);
        };
    }

    /** The dialect of the database behind this connection. */
    static JdbcDialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String version = connection.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return JdbcDialect.POSTGRESQL;
        }
        if (product.contains("mariadb") || product.contains("mysql") && version.contains("mariadb")) {
            return JdbcDialect.MARIADB;
        }
        if (product.contains("mysql")) {
            return JdbcDialect.MYSQL;
        }
        throw new FatalException("the JDBC sink writes to PostgreSQL, MariaDB or MySQL, but the database is '"
                + connection.getMetaData().getDatabaseProductName() + "'. Fix: point it at one of those, or set"
                + " JdbcSink.builder().dialect(…) if the database speaks one of their dialects.");
    }

    abstract JdbcDialect dialect();

    /** The quote character for identifiers. */
    abstract char quote();

    /** The longest identifier the database keeps without truncating it, in {@link #identifierLength} units. */
    abstract int maxIdentifierLength();

    /** An identifier's length as the database counts it: bytes of UTF-8 by default. */
    int identifierLength(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** True if CREATE/ALTER TABLE run inside the transaction; false if they commit it implicitly (MySQL). */
    abstract boolean transactionalDdl();

    /** True if column names compare without regard to case (MySQL). */
    abstract boolean caseInsensitiveColumns();

    /** SQL returning the connection's current schema (PostgreSQL) or database (MySQL). */
    abstract String currentNamespaceQuery();

    /**
     * Sets the session settings the sink relies on, once on its connection, and returns the statements that put
     * back what was there before: the connection may be the application's own, from its pool.
     */
    abstract List<String> prepareSession(Connection connection) throws SQLException;

    /** The target column type for a column of this logical type. */
    abstract String columnType(Column column, boolean key, String where);

    /**
     * The types of a new table's key columns, in the order given. By default each column's own key type; a database
     * that limits the size of a whole key shares its limit among the columns.
     *
     * @param table the captured table and its target, for messages
     * @throws dev.sluice.FatalException if no types within the database's limit can hold the key
     */
    List<String> keyTypes(List<Column> key, String table) {
        List<String> types = new ArrayList<>();
        for (Column column : key) {
            types.add(columnType(column, true, "column '" + column.name() + "' of " + table));
        }
        return types;
    }

    /**
     * Refuses a text or binary value longer than its target column's declared length, which the database would
     * refuse without naming the table (or, outside strict mode, truncate). Lengths count characters (code points) in
     * a text column and bytes in a binary one.
     */
    static void checkLength(Object value, TargetColumn target, String where) {
        if (target == null || target.maxLength() == null || value == null) {
            return;
        }
        long length;
        String unit;
        if (value instanceof byte[] bytes) {
            length = bytes.length;
            unit = "bytes";
        } else if (value instanceof String text && target.isText()) {
            length = text.codePointCount(0, text.length());
            unit = "characters";
        } else {
            return;
        }
        if (length > target.maxLength()) {
            throw new FatalException("a value of " + where + " has " + length + " " + unit + ", more than the "
                    + target.maxLength() + " its target column (" + target.dataType() + "(" + target.maxLength()
                    + ")) holds; the sink never truncates. Fix: create the target table yourself with a type this"
                    + " column's values fit into (for a key column on MySQL/MariaDB, all key columns together within"
                    + " InnoDB's 3072-byte key limit: e.g. narrower other key columns, CHARACTER SET ascii or"
                    + " VARBINARY), or widen the column, then restart the pipeline: nothing was skipped");
        }
    }

    /**
     * SQL with two parameters (namespace, table) listing the columns that refuse NULL and get no value of their own
     * on insert (no default, not generated, no identity or auto-increment): name, then what {@link #dropNotNull}
     * needs to restate the column (type, character set, collation; null where the database needs none).
     */
    abstract String requiredColumnsQuery();

    /** ALTER TABLE statement that lets a column hold NULL, keeping its type. */
    abstract String dropNotNull(String qualified, String column, String type, String charset, String collation);

    /** ALTER TABLE statement giving an existing column another type (nullable unless it is a key column). */
    abstract String alterColumnType(String qualified, String column, String type, boolean key);

    /** A parameter for a value of this column where SQL cannot infer its type (a SELECT list): {@code ?} or a cast. */
    abstract String parameter(Column column);

    /** What follows the column list of CREATE TABLE. */
    abstract String tableOptions();

    /** A string literal holding {@code text}, escaped as this database reads literals. */
    abstract String literal(String text);

    /**
     * The statements that create a table from {@code create} (a CREATE TABLE statement without options) with the
     * table comment {@code comment}.
     */
    abstract List<String> createTable(String create, String qualified, String comment);

    /** SQL returning the comment of the table {@code (namespace, name)}, given as two parameters. */
    abstract String tableCommentQuery();

    /** The boolean type for the soft-delete column, and its literals. */
    abstract String booleanType();

    /** An upsert of all {@code columns}, keyed by {@code key}, setting {@code update} on conflict. */
    abstract String upsert(String table, List<String> columns, List<String> key, List<String> update);

    /** Removes every row, inside the transaction. */
    abstract String deleteAll(String table);

    /** Binds one value into a statement, as the target column takes it. */
    abstract void bind(PreparedStatement statement, int index, Type type, Object value, TargetColumn target,
            String where) throws SQLException;

    /** The identifier quoted, with embedded quotes doubled; refuses names the database would truncate. */
    final String quoteName(String name) {
        if (name == null || name.isEmpty()) {
            throw new FatalException("an empty table or column name cannot be used in " + dialect()
                    + ". Fix: check the table naming function");
        }
        if (name.indexOf('\0') >= 0) {
            throw new FatalException("the name '" + name.replace("\0", "\\0") + "' holds a NUL character, which "
                    + dialect() + " does not allow in identifiers. Fix: map it with TableNaming");
        }
        if (identifierLength(name) > maxIdentifierLength()) {
            throw new FatalException("the name '" + name + "' is longer than the " + maxIdentifierLength()
                    + " characters (bytes on PostgreSQL) " + dialect() + " keeps. Fix: map it to a shorter name with"
                    + " TableNaming, or rename the source column");
        }
        String q = String.valueOf(quote());
        return q + name.replace(q, q + q) + q;
    }

    final String qualified(String namespace, String table) {
        return quoteName(namespace) + "." + quoteName(table);
    }

    final String quotedList(List<String> names) {
        return names.stream().map(this::quoteName).collect(Collectors.joining(", "));
    }

    static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /** Binds a decimal: checked to fit a bounded decimal column unrounded, as exact text into a text column. */
    static void bindDecimal(PreparedStatement statement, int index, BigDecimal value, TargetColumn target,
            String where) throws SQLException {
        if (target != null && target.isText()) {
            statement.setString(index, value.toPlainString());
        } else if (target != null && target.isBoundedDecimal()) {
            statement.setBigDecimal(index, Values.fit(value, target, where));
        } else {
            statement.setBigDecimal(index, value);
        }
    }

    static void bindNull(PreparedStatement statement, int index) throws SQLException {
        statement.setNull(index, Types.NULL);
    }
}

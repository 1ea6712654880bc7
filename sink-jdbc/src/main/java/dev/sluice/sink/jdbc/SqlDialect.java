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

    /** Session settings the sink relies on; run once on its connection. */
    abstract void prepareSession(Connection connection) throws SQLException;

    /** The target column type for a column of this logical type. */
    abstract String columnType(Column column, boolean key, String where);

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

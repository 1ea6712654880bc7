package dev.sluice.capture;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * What {@link JdbcCaptureSource} needs to know about one database product: SQL it cannot write generically, and
 * the product-specific guard that keeps capture from reading past changes still being committed. Implemented once
 * per source module (PostgreSQL, MySQL/MariaDB); users do not implement it.
 *
 * <p><b>Row images.</b> Both capture methods read rows as JSON text built by the database
 * ({@link #rowImage(TableId, Schema, String)}), so that timestamp polling and trigger capture decode values
 * through one path ({@link #decode(Object, Column)}). A parsed JSON value is handed to the dialect as: {@code null}
 * (JSON null), {@link String}, {@link java.math.BigDecimal} (every number, exactly as written), {@link Boolean},
 * {@link List} (array) or {@link java.util.Map} with {@link String} keys in document order (object).
 *
 * <p><b>Threading.</b> Implementations are immutable and thread-safe; every method is given the connection to
 * use, which is in auto-commit mode and belongs to one stream.
 *
 * <p><b>Failures.</b> Methods throw {@link SQLException} for database errors (the source classifies them);
 * {@link #decode(Object, Column)} throws {@link IllegalArgumentException} for a value it cannot read.
 */
public interface CaptureDialect {

    /**
     * The product's name for messages, e.g. {@code PostgreSQL}.
     *
     * @return the product's name, never null
     */
    String product();

    /**
     * Quotes an identifier for SQL, whatever characters it contains.
     *
     * @param identifier any identifier, not null
     * @return the quoted identifier, inner quotes escaped
     */
    String quote(String identifier);

    /**
     * The quoted, qualified name of a table.
     *
     * @param table the table, not null
     * @return {@code namespace.name}, each part quoted
     */
    default String qualify(TableId table) {
        return quote(table.namespace()) + "." + quote(table.name());
    }

    /**
     * The change table to use when the user names none: {@link ChangeTable#DEFAULT_NAME} in a default place.
     *
     * @param connection an open connection, for the current schema or database
     * @return the default change table
     * @throws SQLException if the database cannot be asked
     */
    ChangeTable defaultChangeTable(Connection connection) throws SQLException;

    /**
     * Prepares a new connection of a stream (session settings). Called once per connection.
     *
     * @param connection the new connection, not null
     * @throws SQLException if a setting is refused
     */
    void prepare(Connection connection) throws SQLException;

    /**
     * The base tables the filter chooses, in a stable order (system schemas left out).
     *
     * @param connection an open connection
     * @param filter the tables to choose, not null
     * @return the chosen tables, in a stable order
     * @throws SQLException if the catalog cannot be read
     */
    List<TableId> tables(Connection connection, TableFilter filter) throws SQLException;

    /**
     * The table's columns in order, mapped to logical types as the product's log source maps them, with its
     * primary key; null if the table does not exist.
     *
     * @param connection an open connection
     * @param table the table, not null
     * @return the schema, or null if the table does not exist
     * @throws SQLException if the catalog cannot be read
     */
    Schema schema(Connection connection, TableId table) throws SQLException;

    /**
     * An SQL expression that evaluates to the JSON text of one row of {@code table}, whose columns are reachable
     * through {@code alias} (a table alias in a query, or {@code NEW}/{@code OLD} in a trigger). Every value must
     * come back exactly: no rounded decimals, no time shifted by a session time zone.
     *
     * @param table the table, not null
     * @param schema its schema, not null
     * @param alias the name its columns are qualified with in the expression
     * @return the SQL expression
     */
    String rowImage(TableId table, Schema schema, String alias);

    /**
     * Decodes one value of a row image (see the class description for the JSON model) into the column's type.
     *
     * @param json a value of the JSON model ({@link dev.sluice.json.Json#parse(String)}), or null
     * @param column the column it belongs to, not null
     * @return a value of the column's type, or null
     */
    Object decode(Object json, Column column);

    /**
     * The SQL placeholder for a value of this column in a comparison, e.g. {@code ?} or {@code FROM_UNIXTIME(?)}.
     *
     * @param column the column compared, not null
     * @return the placeholder SQL
     */
    String parameter(Column column);

    /**
     * Binds a value of the column's logical type (as {@link #decode} made it) to the placeholder it renders.
     *
     * @param statement the statement, not null
     * @param index the placeholder's position, from 1
     * @param value a value of the column's logical type, or null
     * @param column the value's column, not null
     * @throws SQLException if the driver refuses the value
     */
    void bind(PreparedStatement statement, int index, Object value, Column column) throws SQLException;

    /**
     * The timestamp capture watermark: a moment such that every row any transaction still open, or yet to start,
     * will write has an update timestamp at or after it, minus {@code margin}. Where the database does not show
     * every open transaction to this user, it is at most now minus {@code safetyWindow}, and not exact.
     *
     * @param connection an open connection
     * @param margin the clock-skew margin, zero or more
     * @param safetyWindow how far behind now to stay when open transactions are hidden, positive
     * @return the watermark
     * @throws SQLException if the database cannot be asked
     */
    Watermark watermark(Connection connection, Duration margin, Duration safetyWindow) throws SQLException;

    /**
     * The database's clock now plus {@code ahead}, in the form of a {@link Watermark}: the bound of the rows a
     * timestamp catch-up run waits for (rows committed before it have timestamps below it; a row stamped further in
     * the future is read whenever the watermark passes it, and does not hold a run back). By default a bound that
     * leaves no row out (the year 9999).
     *
     * @param connection an open connection
     * @param ahead how far past the database's clock the bound lies, zero or more
     * @return the bound
     * @throws SQLException if the database cannot be asked
     */
    default Watermark now(Connection connection, Duration ahead) throws SQLException {
        return new Watermark(Instant.parse("9999-12-31T00:00:00Z"), LocalDateTime.of(9999, 12, 31, 0, 0), true);
    }

    /**
     * Statements that create the change table (idempotent: they succeed when it exists).
     *
     * @param changeTable the change table, not null
     * @return the statements, in order
     */
    List<String> createChangeTable(ChangeTable changeTable);

    /**
     * Statements that drop the change table and whatever it owns, if they exist.
     *
     * @param changeTable the change table, not null
     * @return the statements, in order
     */
    List<String> dropChangeTable(ChangeTable changeTable);

    /**
     * Statements that create (or replace) the triggers copying every change of {@code table} into the change
     * table: insert, update, delete, and truncate where the product has truncate triggers.
     *
     * @param changeTable the change table the triggers write to, not null
     * @param table the captured table, not null
     * @param schema its schema, not null
     * @return the statements, in order
     */
    List<String> createTriggers(ChangeTable changeTable, TableId table, Schema schema);

    /**
     * Statements that drop the triggers of {@code table}, if they exist.
     *
     * @param changeTable the change table the triggers write to, not null
     * @param table the captured table, not null
     * @return the statements, in order
     */
    List<String> dropTriggers(ChangeTable changeTable, TableId table);

    /**
     * Of {@code tables}, those that lack any of the triggers {@link #createTriggers} makes for {@code changeTable}
     * (a table created after the install, or dropped and created again): changes to them are not being recorded.
     *
     * @param connection an open connection
     * @param changeTable the change table, not null
     * @param tables the captured tables, not null
     * @return the tables without all their triggers, in the order given; empty if none
     * @throws SQLException if the catalog cannot be read
     */
    List<TableId> tablesWithoutTriggers(Connection connection, ChangeTable changeTable, List<TableId> tables)
            throws SQLException;

    /**
     * A number per table that changes whenever the table is replaced by another of the same name (dropped and
     * created again), and, where the product has no truncate trigger, whenever it is truncated. Tables the
     * product cannot say it for (a missing privilege, a name it cannot look up) are left out of the map, and so
     * are tables that do not exist.
     *
     * @param connection an open connection
     * @param tables the tables, not null
     * @return the identity number per table, for the tables the product can tell
     * @throws SQLException if the catalog cannot be read
     */
    Map<TableId, Long> tableIdentities(Connection connection, List<TableId> tables) throws SQLException;

    /**
     * True if a truncate of a captured table is recorded by a trigger (as a {@code T} change).
     *
     * @return true if truncates are recorded
     */
    boolean recordsTruncate();

    /**
     * A statement that deletes the change table's rows with {@code ? < seq <= ?}; the third parameter is the
     * number of such rows, which a product whose range delete would lock the row after the range (InnoDB) uses to
     * stop there ({@code ORDER BY seq LIMIT ?}), and another may ignore.
     *
     * @param changeTable the change table, not null
     * @return the SQL with three parameters
     */
    String pruneChanges(ChangeTable changeTable);

    /**
     * The commit-order guard of trigger capture, first part: the highest sequence value handed out so far (by
     * transactions committed, open or rolled back), or {@code 0} for none. Must not lag behind a value any
     * transaction already holds by more than the product's documented staleness (a lower value is safe, a
     * higher one is not).
     *
     * @param connection an open connection
     * @param changeTable the change table, not null
     * @return the highest sequence value handed out, or 0
     * @throws SQLException if the database cannot be asked
     */
    long lastSequence(Connection connection, ChangeTable changeTable) throws SQLException;

    /**
     * The guard, second part: a fence, called strictly after {@link #lastSequence}. Every transaction that held a
     * sequence value at or below what that call returned started (or took its transaction id) before the fence.
     *
     * @param connection an open connection
     * @return the fence value
     * @throws SQLException if the database cannot be asked
     */
    long fence(Connection connection) throws SQLException;

    /**
     * The guard, third part: a value {@code p} such that every transaction that started before any fence
     * {@code f <= p} has ended (committed or rolled back) and its changes are visible to the next query on this
     * connection. Where the database does not show every open transaction to this user, it is derived from now
     * minus {@code safetyWindow}.
     *
     * @param connection an open connection
     * @param safetyWindow how far behind now to stay when open transactions are hidden, positive
     * @return the passed fence
     * @throws SQLException if the database cannot be asked
     */
    long passedFence(Connection connection, Duration safetyWindow) throws SQLException;

    /**
     * Describes the oldest transaction open on the server in another session (its id, age, session or thread,
     * user, state), for the warning that capture is held back; null if it cannot be told. Called rarely.
     *
     * @param connection an open connection
     * @return a one-line description, or null
     * @throws SQLException if the database cannot be asked
     */
    default String oldestTransaction(Connection connection) throws SQLException {
        return null;
    }
}

package dev.sluice.sink.jdbc;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, creates and evolves target tables for event schemas. Never drops or alters an existing column. Confined
 * to the sink's thread; uses the session's connection and transaction.
 */
final class Tables {

    /** Runs before any DDL, so that a database whose DDL commits implicitly commits a consistent state first. */
    interface BeforeDdl {
        void run() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(Tables.class);

    private final Connection connection;
    private final SqlDialect dialect;
    private final JdbcSink.Settings settings;
    private final BeforeDdl beforeDdl;
    /** Which captured table each target table (qualified) holds in this session: two must never share one. */
    private final Map<String, TableId> claims = new HashMap<>();
    private String currentNamespace;

    Tables(Connection connection, SqlDialect dialect, JdbcSink.Settings settings, BeforeDdl beforeDdl) {
        this.connection = connection;
        this.dialect = dialect;
        this.settings = settings;
        this.beforeDdl = beforeDdl;
    }

    /** The table state for this event's schema: {@code previous} if the schema is the same, else checked anew. */
    TableState resolve(ChangeEvent event, TableState previous) throws SQLException {
        Schema schema = event.schema();
        if (previous != null && (previous.schema == schema || previous.schema.equals(schema))) {
            return previous;
        }
        TableId table = event.table();
        if (!schema.hasKey()) {
            throw new FatalException("table " + table + " has no key, so the JDBC sink cannot tell which target row"
                    + " an update or delete is for. Fix: give the source table a primary key (or a replica identity"
                    + " / unique key the source reports as key), or leave the table out with the source's table"
                    + " filter.");
        }
        String namespace = settings.namespace() != null ? settings.namespace() : currentNamespace();
        String name = settings.naming().targetName(table);
        if (name == null || name.isEmpty()) {
            throw new FatalException("the table naming " + settings.naming() + " gave no name for " + table
                    + ". Fix: return a non-empty name for every table");
        }
        String qualified = dialect.qualified(namespace, name);
        claim(qualified, table);
        String softDelete = settings.softDeleteColumn();
        if (softDelete != null && schema.indexOf(softDelete) >= 0) {
            throw new FatalException("table " + table + " has a column '" + softDelete + "', the name chosen for the"
                    + " soft-delete flag. Fix: choose another name with softDelete(…)");
        }
        Map<String, TargetColumn> target = readColumns(namespace, name);
        if (target.isEmpty()) {
            if (!settings.createTables()) {
                throw new FatalException("the target table " + qualified + " for " + table + " does not exist (or"
                        + " the sink's user cannot see it). Fix: create it, or enable createTables(true)");
            }
            beforeDdl.run();
            for (String ddl : dialect.createTable(createTable(table, qualified, schema, softDelete), qualified,
                    SourceMark.of(table))) {
                execute(ddl);
            }
            log.info("created table {} for {}", qualified, table);
            target = readColumns(namespace, name);
        } else {
            checkSource(table, qualified, readComment(namespace, name));
            checkKey(table, qualified, schema, readPrimaryKey(namespace, name));
            if (widenTypes(table, qualified, schema, target)) {
                target = readColumns(namespace, name);
            }
            List<String> additions = new ArrayList<>();
            for (Column column : schema.columns()) {
                if (!target.containsKey(TableState.key(column.name(), dialect))) {
                    additions.add(dialect.quoteName(column.name()) + " "
                            + dialect.columnType(column, false, where(column, table)) + " NULL");
                }
            }
            if (softDelete != null && !target.containsKey(TableState.key(softDelete, dialect))) {
                additions.add(softDeleteColumn(softDelete));
            }
            if (!additions.isEmpty()) {
                if (!settings.evolveSchema()) {
                    throw new FatalException("the target table " + qualified + " lacks columns for " + table + ": "
                            + additions + ". Fix: add them, or enable evolveSchema(true)");
                }
                beforeDdl.run();
                for (String addition : additions) {
                    execute("ALTER TABLE " + qualified + " ADD COLUMN " + addition);
                }
                log.info("added to table {} the columns {}", qualified, additions);
                target = readColumns(namespace, name);
            }
            if (releaseMissing(table, qualified, namespace, name, schema)) {
                target = readColumns(namespace, name);
            }
        }
        return new TableState(table, namespace, name, schema, target, dialect, softDelete);
    }

    private String createTable(TableId table, String qualified, Schema schema, String softDelete) {
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualified).append(" (");
        List<Column> keyColumns = schema.keyColumns();
        // the key columns are typed together: the database limits the size of the whole key
        List<String> keyTypes = dialect.keyTypes(keyColumns, table + " (target " + qualified + ")");
        Map<String, String> key = new HashMap<>();
        for (int i = 0; i < keyColumns.size(); i++) {
            key.put(keyColumns.get(i).name(), keyTypes.get(i));
        }
        for (Column column : schema.columns()) {
            String keyType = key.get(column.name());
            // only key columns are NOT NULL: a column the source drops later must not make inserts fail
            sql.append(dialect.quoteName(column.name())).append(' ')
                    .append(keyType != null ? keyType : dialect.columnType(column, false, "column '" + column.name()
                            + "'"))
                    .append(keyType != null ? " NOT NULL" : " NULL").append(", ");
        }
        if (softDelete != null) {
            sql.append(softDeleteColumn(softDelete)).append(", ");
        }
        sql.append("PRIMARY KEY (").append(dialect.quotedList(
                schema.keyColumns().stream().map(Column::name).toList())).append("))");
        return sql.toString();
    }

    /**
     * Lets the target columns that the events do not carry (the source dropped or renamed them, or the table was
     * made by hand with more columns) hold NULL where they refuse it and have no default: every insert would fail
     * on them otherwise. Their existing values stay. Returns whether it altered a column.
     */
    private boolean releaseMissing(TableId table, String qualified, String namespace, String name, Schema schema)
            throws SQLException {
        Set<String> carried = new TreeSet<>();
        schema.columns().forEach(c -> carried.add(TableState.key(c.name(), dialect)));
        List<String> alterations = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(dialect.requiredColumnsQuery())) {
            query.setString(1, namespace);
            query.setString(2, name);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String column = rows.getString(1);
                    if (!carried.contains(TableState.key(column, dialect))) {
                        missing.add(column);
                        alterations.add(dialect.dropNotNull(qualified, column, rows.getString(2), rows.getString(3),
                                rows.getString(4)));
                    }
                }
            }
        }
        if (alterations.isEmpty()) {
            return false;
        }
        if (!settings.evolveSchema()) {
            throw new FatalException("the target table " + qualified + " has the columns " + missing + ", which are"
                    + " NOT NULL without a default, but the events of " + table + " do not carry them (the source"
                    + " dropped or renamed them), so every insert would fail. Fix: let them hold NULL or give them a"
                    + " default (e.g. " + alterations.get(0) + "), or enable evolveSchema(true), which does that,"
                    + " then restart the pipeline");
        }
        beforeDdl.run();
        for (String alteration : alterations) {
            execute(alteration);
        }
        log.info("table {} keeps the columns {}, which the events of {} no longer carry, and lets them hold NULL",
                qualified, missing, table);
        return true;
    }

    /** Refuses a second captured table for a target table that already holds another one in this session. */
    private void claim(String qualified, TableId table) {
        TableId holder = claims.putIfAbsent(qualified, table);
        if (holder != null && !holder.equals(table)) {
            throw mergeRefused(table, holder, qualified, "in this run");
        }
    }

    /** Refuses a target table the sink created for another captured table (in an earlier run). */
    private void checkSource(TableId table, String qualified, String comment) {
        TableId holder = SourceMark.parse(comment);
        if (holder != null && !holder.equals(table)) {
            throw mergeRefused(table, holder, qualified, "(its table comment says so: the sink created it for "
                    + holder + ")");
        }
    }

    private FatalException mergeRefused(TableId table, TableId holder, String qualified, String when) {
        return new FatalException("the captured tables " + holder + " and " + table + " both map to the target table "
                + qualified + " with the table naming " + settings.naming() + "; " + holder + " already writes"
                + " there " + when + ". Writing both into one table would overwrite rows of one with the other's."
                + " Fix: keep them apart with TableNaming.namespaceAndName() (CLI: --target-table-naming"
                + " namespace-and-name) or a TableNaming of your own that gives each its own name, or leave one"
                + " out with the source's table filter");
    }

    private String readComment(String namespace, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(dialect.tableCommentQuery())) {
            query.setString(1, namespace);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private String softDeleteColumn(String name) {
        return dialect.quoteName(name) + " " + dialect.booleanType() + " NOT NULL DEFAULT FALSE";
    }

    private void checkKey(TableId table, String qualified, Schema schema, List<String> primaryKey) {
        Set<String> wanted = new TreeSet<>();
        schema.keyColumns().forEach(c -> wanted.add(TableState.key(c.name(), dialect)));
        Set<String> actual = new TreeSet<>();
        primaryKey.forEach(c -> actual.add(TableState.key(c, dialect)));
        if (!wanted.equals(actual)) {
            throw new FatalException("the target table " + qualified + " has the primary key " + primaryKey
                    + " but the events of " + table + " are keyed by " + wanted + ". Fix: give the target table"
                    + " the primary key " + wanted + " (or drop it and let the sink create it)");
        }
    }

    /**
     * Checks every column of the events against the target's actual column (so that a column altered by hand counts
     * as it now is): widens a column that is too narrow where that is safe (a wider integer, float or decimal),
     * refuses anything else with the fix. Returns whether it altered a column.
     */
    private boolean widenTypes(TableId table, String qualified, Schema schema, Map<String, TargetColumn> target)
            throws SQLException {
        Set<String> key = schema.keyColumns().stream().map(Column::name).collect(Collectors.toSet());
        List<String> alterations = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Column column : schema.columns()) {
            TargetColumn existing = target.get(TableState.key(column.name(), dialect));
            if (existing == null) {
                continue; // added below
            }
            TargetTypes.Verdict verdict = TargetTypes.check(column.type(), existing, dialect);
            if (verdict == TargetTypes.Verdict.FITS) {
                continue;
            }
            String wanted = verdict == TargetTypes.Verdict.WIDEN ? widened(column, existing, key.contains(column.name()))
                    : null;
            if (wanted == null || !settings.evolveSchema()) {
                throw typeRefused(table, qualified, column, existing, key.contains(column.name()),
                        wanted != null ? " and evolveSchema(false) forbids widening it" : "");
            }
            alterations.add(dialect.alterColumnType(qualified, column.name(), wanted, key.contains(column.name())));
            described.add(column.name() + " " + describe(existing) + " -> " + wanted);
        }
        if (alterations.isEmpty()) {
            return false;
        }
        beforeDdl.run();
        for (String alteration : alterations) {
            execute(alteration);
        }
        log.info("widened columns of table {} for {}: {}", qualified, table, described);
        return true;
    }

    /** The wider type a column needs, or null if there is none the sink can choose safely. */
    private String widened(Column column, TargetColumn existing, boolean isKey) {
        Type type = column.type();
        if (type.kind() != Type.Kind.DECIMAL) {
            return dialect.columnType(column, isKey, where(column, null));
        }
        int scale = Math.max(existing.scale(), type.scale());
        int digits = Math.max(existing.precision() - existing.scale(), type.precision() - type.scale()) + scale;
        if (dialect.dialect() != JdbcDialect.POSTGRESQL
                && (digits > MySqlDialect.MAX_PRECISION || scale > MySqlDialect.MAX_SCALE)) {
            return null;
        }
        return dialect.columnType(new Column(column.name(), Type.decimal(digits, scale), column.nullable(),
                column.sourceType()), isKey, where(column, null));
    }

    private FatalException typeRefused(TableId table, String qualified, Column column, TargetColumn existing,
            boolean isKey, String why) {
        String wanted = dialect.columnType(column, isKey, where(column, table));
        return new FatalException("column '" + column.name() + "' of " + table + " now has type " + column.type()
                + ", but the target column " + qualified + "." + dialect.quoteName(existing.name()) + " is "
                + describe(existing) + ", which cannot hold it faithfully" + (why.isEmpty()
                        ? " (the sink only widens a column to a wider integer, float or decimal)" : why)
                + ". Fix: alter the target column yourself, e.g. "
                + dialect.alterColumnType(qualified, existing.name(), wanted, isKey)
                + " (with a USING clause where values need converting), then restart the pipeline: the sink reads"
                + " the target's columns again and goes on from the last committed change");
    }

    private static String describe(TargetColumn column) {
        return column.isBoundedDecimal() ? column.dataType() + "(" + column.precision() + "," + column.scale() + ")"
                : column.dataType();
    }

    private static String where(Column column, TableId table) {
        return "column '" + column.name() + "'" + (table == null ? "" : " of " + table);
    }

    private Map<String, TargetColumn> readColumns(String namespace, String table) throws SQLException {
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT column_name, data_type,"
                + " numeric_precision, numeric_scale, character_maximum_length FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            query.setString(1, namespace);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long precision = rows.getLong(3);
                    Integer p = rows.wasNull() ? null : (int) precision;
                    long scale = rows.getLong(4);
                    Integer s = rows.wasNull() ? null : (int) scale;
                    long length = rows.getLong(5);
                    Long l = rows.wasNull() ? null : length;
                    TargetColumn column = new TargetColumn(rows.getString(1), rows.getString(2), p, s, l);
                    columns.put(TableState.key(column.name(), dialect), column);
                }
            }
        }
        return columns;
    }

    private List<String> readPrimaryKey(String namespace, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT k.column_name"
                + " FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k"
                + " ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema"
                + " AND k.table_name = c.table_name"
                + " WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = ? AND c.table_name = ?"
                + " ORDER BY k.ordinal_position")) {
            query.setString(1, namespace);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        return key;
    }

    private String currentNamespace() throws SQLException {
        if (currentNamespace == null) {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(dialect.currentNamespaceQuery())) {
                currentNamespace = rows.next() ? rows.getString(1) : null;
            }
            if (currentNamespace == null) {
                throw new FatalException("the sink's connection has no current " + (dialect.dialect()
                        == JdbcDialect.POSTGRESQL ? "schema" : "database") + ". Fix: name one in the JDBC URL or"
                        + " set JdbcSink.builder().targetNamespace(…)");
            }
        }
        return currentNamespace;
    }

    private void execute(String ddl) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl);
        } catch (SQLException e) {
            throw new SQLException(e.getMessage() + " [in: " + ddl + "]", e.getSQLState(), e.getErrorCode(), e);
        }
    }
}

package dev.sluice.sink.jdbc;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One target table as the sink's session knows it: the schema it last applied, the target's columns, and the SQL
 * for that schema. Rebuilt whenever the schema changes; confined to the sink's thread.
 */
final class TableState {

    final TableId source;
    final String namespace;
    final String name;
    final String sql; // quoted, qualified
    final Schema schema;
    private final SqlDialect dialect;
    private final String softDelete;
    private final TargetColumn[] targets;
    private final List<String> columnNames = new ArrayList<>();
    private final List<String> keyNames = new ArrayList<>();
    private final Map<BitSet, String> partialUpdates = new HashMap<>();
    private final Map<BitSet, String> partialInserts = new HashMap<>();
    private String upsert;
    private String delete;

    TableState(TableId source, String namespace, String name, Schema schema, Map<String, TargetColumn> target,
            SqlDialect dialect, String softDelete) {
        this.source = source;
        this.namespace = namespace;
        this.name = name;
        this.sql = dialect.qualified(namespace, name);
        this.schema = schema;
        this.dialect = dialect;
        this.softDelete = softDelete;
        this.targets = new TargetColumn[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            Column column = schema.column(i);
            columnNames.add(column.name());
            targets[i] = target.get(key(column.name(), dialect));
        }
        for (Column column : schema.keyColumns()) {
            keyNames.add(column.name());
        }
    }

    /** How a column name is looked up among the target's columns: folded where the database folds it. */
    static String key(String column, SqlDialect dialect) {
        return dialect.caseInsensitiveColumns() ? column.toLowerCase(Locale.ROOT) : column;
    }

    TargetColumn target(int index) {
        return targets[index];
    }

    boolean softDeletes() {
        return softDelete != null;
    }

    /** For messages: {@code column 'x' of table shop.orders (target "public"."orders")}. */
    String where(int index) {
        return "column '" + schema.column(index).name() + "' of " + source + " (target " + sql + ")";
    }

    /** Upsert of every column (plus the soft-delete flag, bound last). */
    String upsert() {
        if (upsert == null) {
            List<String> columns = new ArrayList<>(columnNames);
            List<String> update = new ArrayList<>(columnNames);
            update.removeAll(keyNames);
            if (softDelete != null) {
                columns.add(softDelete);
                update.add(softDelete);
            }
            upsert = dialect.upsert(sql, columns, keyNames, update);
        }
        return upsert;
    }

    /** DELETE by key, or with soft delete an UPDATE setting the flag; binds the key columns in key order. */
    String delete() {
        if (delete == null) {
            delete = softDelete == null
                    ? "DELETE FROM " + sql + " WHERE " + keyCondition()
                    : "UPDATE " + sql + " SET " + dialect.quoteName(softDelete) + " = TRUE WHERE " + keyCondition();
        }
        return delete;
    }

    /** A query that returns a row if the key exists; binds the key columns. */
    String exists() {
        return "SELECT 1 FROM " + sql + " WHERE " + keyCondition();
    }

    /** DELETE by key, also with soft delete; binds the key columns. */
    String hardDelete() {
        return "DELETE FROM " + sql + " WHERE " + keyCondition();
    }

    /**
     * INSERT of a copy of the row of one key (bound last) under another key (bound first, in schema order): every
     * column, and the soft-delete flag, as the row has them.
     */
    String copyRow() {
        List<String> columns = new ArrayList<>(columnNames);
        List<String> select = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            select.add(keyNames.contains(columnNames.get(i)) ? dialect.parameter(schema.column(i))
                    : dialect.quoteName(columnNames.get(i)));
        }
        if (softDelete != null) {
            columns.add(softDelete);
            select.add(dialect.quoteName(softDelete));
        }
        return "INSERT INTO " + sql + " (" + dialect.quotedList(columns) + ") SELECT " + String.join(", ", select)
                + " FROM " + sql + " WHERE " + keyCondition();
    }

    /** Removes every row, or flags every row deleted. */
    String deleteAll() {
        return softDelete == null ? dialect.deleteAll(sql)
                : "UPDATE " + sql + " SET " + dialect.quoteName(softDelete) + " = TRUE";
    }

    /**
     * UPDATE of the non-key columns not in {@code unchanged} (plus the soft-delete flag, bound as false), by key.
     * Binds the set columns in schema order, then the key columns.
     */
    String partialUpdate(BitSet unchanged) {
        return partialUpdates.computeIfAbsent(unchanged, u -> {
            List<String> set = new ArrayList<>();
            for (int i : setColumns(u)) {
                set.add(dialect.quoteName(columnNames.get(i)) + " = ?");
            }
            if (softDelete != null) {
                set.add(dialect.quoteName(softDelete) + " = ?");
            }
            if (set.isEmpty()) {
                // nothing to change: still an UPDATE, so that its count says whether the row exists
                String first = dialect.quoteName(keyNames.get(0));
                set.add(first + " = " + first);
            }
            return "UPDATE " + sql + " SET " + String.join(", ", set) + " WHERE " + keyCondition();
        });
    }

    /** The non-key columns a partial update sets, in schema order. */
    List<Integer> setColumns(BitSet unchanged) {
        List<Integer> set = new ArrayList<>();
        int[] key = schema.keyIndexes();
        for (int i = 0; i < schema.size(); i++) {
            final int index = i;
            if (!unchanged.get(i) && Arrays.stream(key).noneMatch(k -> k == index)) {
                set.add(i);
            }
        }
        return set;
    }

    /** INSERT of the columns not in {@code unchanged} (plus the flag): a partial update whose row is missing. */
    String partialInsert(BitSet unchanged) {
        return partialInserts.computeIfAbsent(unchanged, u -> {
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < schema.size(); i++) {
                if (!u.get(i)) {
                    columns.add(columnNames.get(i));
                }
            }
            if (softDelete != null) {
                columns.add(softDelete);
            }
            return "INSERT INTO " + sql + " (" + dialect.quotedList(columns) + ") VALUES ("
                    + SqlDialect.placeholders(columns.size()) + ")";
        });
    }

    private String keyCondition() {
        List<String> parts = new ArrayList<>();
        for (String key : keyNames) {
            parts.add(dialect.quoteName(key) + " = ?");
        }
        return String.join(" AND ", parts);
    }
}

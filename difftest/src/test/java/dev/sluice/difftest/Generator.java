package dev.sluice.difftest;

import dev.sluice.difftest.Table.Col;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates a {@link Case} from a seed: tables with random columns in random order and keys of several types, then
 * workloads of inserts, updates (key changes included), deletes, TRUNCATE, committed, rolled back and partially
 * rolled back transactions, and DDL while streaming — each only where the path's capture documents it
 * ({@link Rules}). Everything comes from one {@link Random}.
 */
final class Generator {

    private final Random random;
    private final Values v;
    private final Rules rules;
    private final Db db;
    private final String prefix;
    private final int maxTx;
    private final List<Table> tables = new ArrayList<>();
    private int columnCounter;

    Generator(long seed, Rules rules, int maxTx) {
        this.random = new Random(seed * 31 + rules.path().toString().hashCode());
        this.rules = rules;
        this.db = rules.source();
        this.prefix = ("d" + Long.toUnsignedString(seed, 36) + "_" + abbreviation(rules.path())).toLowerCase(Locale.ROOT);
        this.v = new Values(random, rules, prefix);
        this.maxTx = maxTx;
    }

    /** The table-name prefix of this case: the pipeline's filter is {@code <prefix>*}. */
    String prefix() {
        return prefix;
    }

    /** The second PostgreSQL schema a case may use: {@code <prefix>_s2}, also matched by the filter. */
    String secondSchema() {
        return prefix + "_s2";
    }

    private static String abbreviation(CasePath path) {
        String capture = switch (path.capture()) {
            case LOG -> "l";
            case TRIGGER -> "g";
            default -> "s";
        };
        return path.source().name().charAt(0) + capture + path.sink().name().charAt(0);
    }

    Case generate(long seed) {
        List<String> setup = new ArrayList<>();
        if (db == Db.PG) {
            setup.addAll(PgTypes.prelude(prefix));
        }
        int count = v.between(1, 3);
        for (int i = 1; i <= count; i++) {
            Table t = newTable(prefix + "_t" + i);
            tables.add(t);
            setup.add(create(t));
        }
        if (db == Db.PG && v.chance(0.2)) {
            // a table of the same name in a second schema the filter matches (the JDBC sink needs namespaceAndName())
            setup.add("CREATE SCHEMA " + db.quote(secondSchema()));
            Table twin = newTable(secondSchema(), tables.get(0).name);
            tables.add(twin);
            setup.add(create(twin));
        }
        List<Case.Phase> phases = new ArrayList<>();
        List<String> initial = new ArrayList<>();
        for (Table t : tables) {
            for (int i = v.between(0, 3); i > 0; i--) {
                initial.add(insert(t, t.keys, v.between(1, 10)));
            }
        }
        phases.add(new Case.Phase(List.of(), initial));
        List<String> created = new ArrayList<>();
        if (v.chance(0.3)) {
            // a table the filter matches, created while the pipeline streams; on trigger paths the runner installs
            // the triggers right after the phase's DDL, before any row is written (docs/capture.md)
            Table t = newTable(prefix + "_n" + (tables.size() + 1));
            tables.add(t);
            created.add(create(t));
        }
        if (rules.path().log() && v.chance(0.2)) {
            // a captured table dropped and created again under the same name, with other columns: log capture only
            // (docs/capture.md: trigger capture stops on it, timestamp capture never removes the old table's rows)
            Table old = tables.get(0);
            Table again = newTable(old.namespace, old.name);
            // the JDBC sink keeps the target table, and stops on a key other than its own or a column of another
            // type (documented in sink-jdbc.md, with the fix); a Parquet folder holding both tables' files has no
            // one type for a column that changed it (readers such as DuckDB's union_by_name cannot cast an
            // integer key to a uuid). So the table comes back with its old key columns, and a name the old table
            // used comes back with its old type only
            again.columns.removeIf(Col::key);
            again.columns.addAll(0, old.keyColumns());
            List<String> dropped = again.columns.stream().filter(c -> !c.key() && old.columns.stream().anyMatch(
                    o -> o.name().equals(c.name()) && !o.type().ddl().equals(c.type().ddl()))).map(Col::name).toList();
            // with the columns computed from them (a generated column names its base column)
            again.columns.removeIf(c -> dropped.contains(c.name())
                    || c.server() && dropped.stream().anyMatch(d -> c.type().ddl().contains(db.quote(d))));
            tables.set(0, again);
            created.add("DROP TABLE " + old.ref(db));
            created.add(create(again));
        }
        phases.add(new Case.Phase(created, workload(v.between(5, 25))));
        if (v.chance(0.7)) {
            List<String> ddl = ddl();
            phases.add(new Case.Phase(ddl, workload(v.between(3, 12))));
        }
        return new Case(seed, rules.path(), setup, phases, List.copyOf(tables));
    }

    // ---- tables

    private Table newTable(String name) {
        return newTable(null, name);
    }

    private Table newTable(String namespace, String name) {
        Table t = new Table(namespace, name);
        List<Col> columns = new ArrayList<>(keyColumns());
        int others = v.between(1, 40) - columns.size();
        for (int i = 0; i < others; i++) {
            Col c = newColumn();
            if (columns.stream().noneMatch(existing -> existing.name().equals(c.name()))) {
                columns.add(c);
            }
        }
        if (rules.path().timestamp()) {
            String ddl = db == Db.PG ? "timestamptz NOT NULL DEFAULT now()"
                    : "TIMESTAMP(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6)";
            columns.add(new Col("updated_at", new ColumnType(ddl, Kind.TIMESTAMPTZ, x -> null), false, false, true));
        }
        if (db == Db.MARIA && v.chance(0.3)) {
            columns.stream().filter(c -> c.type().label().equals("INT") && !c.key()).findFirst().ifPresent(base -> {
                String kind = v.chance(0.5) ? "VIRTUAL" : "PERSISTENT";
                String ddl = "BIGINT AS (" + db.quote(base.name()) + " * 2) " + kind;
                columns.add(new Col("gen_" + kind.toLowerCase(Locale.ROOT), new ColumnType(ddl, Kind.INT, x -> null),
                        true, false, true));
            });
        }
        Collections.shuffle(columns, random);
        t.columns.addAll(columns);
        return t;
    }

    private List<Col> keyColumns() {
        List<ColumnType> options = new ArrayList<>();
        if (db == Db.PG) {
            options.add(new ColumnType("integer", Kind.INT, x -> Long.toString(x.nextKey())));
            options.add(new ColumnType("bigint", Kind.INT, x -> Long.toString(x.nextKey() * 1_000_000_007L)));
            options.add(new ColumnType("varchar(40)", Kind.TEXT, x -> x.string("k" + x.nextKey() + "_" + x.text(6, false, true))));
            options.add(new ColumnType("uuid", Kind.UUID, x -> "'" + x.uuid() + "'"));
        } else {
            options.add(new ColumnType("INT", Kind.INT, x -> Long.toString(x.nextKey())));
            options.add(new ColumnType("BIGINT UNSIGNED", Kind.INT, x -> "184467440737095" + (10000 + x.nextKey())));
            options.add(new ColumnType("VARCHAR(40) CHARACTER SET utf8mb4", Kind.TEXT,
                    x -> x.string("k" + x.nextKey() + "_" + x.text(6, false, true))));
            options.add(new ColumnType("CHAR(36) CHARACTER SET ascii", Kind.UUID, x -> "'" + x.uuid() + "'"));
        }
        List<Col> keys = new ArrayList<>();
        int n = v.chance(0.25) ? 2 : 1;
        for (int i = 1; i <= n; i++) {
            keys.add(new Col("k" + i, v.pick(options), false, true, false));
        }
        return keys;
    }

    private Col newColumn() {
        ColumnType type = db == Db.PG ? PgTypes.any(v) : MariaTypes.any(v);
        String name = "c" + (++columnCounter) + "_" + type.label().replaceAll("[^A-Za-z0-9]+", "_")
                .toLowerCase(Locale.ROOT);
        if (name.length() > 40) {
            name = name.substring(0, 40);
        }
        if (v.chance(0.03)) {
            name = v.pick(List.of("date", "hour")); // the partition folders are _date/_hour: these are plain columns
        }
        return new Col(name, type, v.chance(0.7), false, false);
    }

    private String create(Table t) {
        StringBuilder s = new StringBuilder("CREATE TABLE " + t.ref(db) + " (");
        for (Col c : t.columns) {
            s.append(db.quote(c.name())).append(' ').append(c.type().ddl());
            if (!c.server()) {
                s.append(c.nullable() ? " NULL" : " NOT NULL");
            }
            s.append(", ");
        }
        s.append("PRIMARY KEY (");
        s.append(String.join(", ", t.keyColumns().stream().map(c -> db.quote(c.name())).toList()));
        return s.append("))").toString();
    }

    // ---- DML

    private String value(Col c) {
        if (c.nullable() && v.chance(0.15)) {
            return "NULL";
        }
        return c.type().literal().apply(v);
    }

    private String insert(Table t, List<List<String>> keys, int rows) {
        List<Col> cols = t.writable();
        StringBuilder s = new StringBuilder("INSERT INTO " + t.ref(db) + " (");
        s.append(String.join(", ", cols.stream().map(c -> db.quote(c.name())).toList())).append(") VALUES ");
        for (int r = 0; r < rows; r++) {
            List<String> key = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Col c : cols) {
                String value = value(c);
                values.add(value);
                if (c.key()) {
                    key.add(value);
                }
            }
            keys.add(orderKey(t, cols, key));
            s.append(r == 0 ? "(" : ", (").append(String.join(", ", values)).append(')');
        }
        return s.toString();
    }

    /** The key literals in the order of {@link Table#keyColumns()}. */
    private static List<String> orderKey(Table t, List<Col> cols, List<String> keyInColumnOrder) {
        List<String> ordered = new ArrayList<>();
        List<Col> keyCols = cols.stream().filter(Col::key).toList();
        for (Col k : t.keyColumns()) {
            ordered.add(keyInColumnOrder.get(keyCols.indexOf(k)));
        }
        return ordered;
    }

    private String where(Table t, List<String> key) {
        List<Col> keyCols = t.keyColumns();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < keyCols.size(); i++) {
            parts.add(db.quote(keyCols.get(i).name()) + " = " + key.get(i));
        }
        return " WHERE " + String.join(" AND ", parts);
    }

    private String update(Table t, List<List<String>> keys) {
        List<String> key = v.pick(keys);
        List<Col> candidates = new ArrayList<>(t.writable().stream().filter(c -> !c.key()).toList());
        Collections.shuffle(candidates, random);
        List<String> sets = new ArrayList<>();
        for (Col c : candidates.subList(0, Math.min(candidates.size(), v.between(1, 3)))) {
            sets.add(db.quote(c.name()) + " = " + value(c));
        }
        if (rules.path().timestamp() && db == Db.PG) {
            sets.add("updated_at = now()"); // the timestamp capture's contract: every update sets it
        }
        if (sets.isEmpty()) {
            return null;
        }
        return "UPDATE " + t.ref(db) + " SET " + String.join(", ", sets) + where(t, key);
    }

    private String updateKey(Table t, List<List<String>> keys) {
        int index = random.nextInt(keys.size());
        List<String> key = keys.get(index);
        List<Col> keyCols = t.keyColumns();
        int which = random.nextInt(keyCols.size());
        Col col = keyCols.get(which);
        String fresh = col.type().literal().apply(v);
        List<String> newKey = new ArrayList<>(key);
        newKey.set(which, fresh);
        keys.set(index, newKey);
        String extra = rules.path().timestamp() && db == Db.PG ? ", updated_at = now()" : "";
        return "UPDATE " + t.ref(db) + " SET " + db.quote(col.name()) + " = " + fresh + extra + where(t, key);
    }

    private String delete(Table t, List<List<String>> keys) {
        List<String> key = keys.remove(random.nextInt(keys.size()));
        return "DELETE FROM " + t.ref(db) + where(t, key);
    }

    /** One statement against the keys given (which it updates), or null if none fits. */
    private String statement(Table t, List<List<String>> keys, boolean inTransaction) {
        int p = random.nextInt(100);
        boolean any = !keys.isEmpty();
        if (p < 40 || !any) {
            int rows = v.chance(0.05) ? v.between(1, maxTx) : v.between(1, 5);
            return insert(t, keys, rows);
        }
        if (p < 70) {
            return update(t, keys);
        }
        if (p < 78) {
            return rules.path().timestamp() ? update(t, keys) : updateKey(t, keys);
        }
        if (p < 95) {
            return rules.path().seesDeletes() ? delete(t, keys) : update(t, keys);
        }
        boolean truncate = rules.path().seesTruncate() && !inTransaction;
        if (truncate) {
            keys.clear();
            return (db == Db.PG ? "TRUNCATE " : "TRUNCATE TABLE ") + t.ref(db);
        }
        return update(t, keys);
    }

    private List<String> workload(int steps) {
        List<String> sql = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Table t = v.pick(tables);
            int kind = random.nextInt(100);
            if (kind < 75) {
                add(sql, statement(t, t.keys, false));
            } else if (kind < 88) {
                List<List<String>> copy = copy(t.keys);
                sql.add("BEGIN");
                for (int n = v.between(1, 4); n > 0; n--) {
                    add(sql, statement(t, copy, true));
                }
                boolean commit = v.chance(0.5);
                sql.add(commit ? "COMMIT" : "ROLLBACK");
                if (commit) {
                    t.keys = copy;
                }
            } else {
                // a savepoint: what comes before it commits, what follows it is rolled back
                List<List<String>> copy = copy(t.keys);
                sql.add("BEGIN");
                add(sql, statement(t, copy, true));
                sql.add("SAVEPOINT s1");
                List<List<String>> discarded = copy(copy);
                for (int n = v.between(1, 3); n > 0; n--) {
                    add(sql, statement(t, discarded, true));
                }
                sql.add("ROLLBACK TO SAVEPOINT s1");
                add(sql, statement(t, copy, true));
                sql.add("COMMIT");
                t.keys = copy;
            }
        }
        return sql;
    }

    private static void add(List<String> sql, String statement) {
        if (statement != null) {
            sql.add(statement);
        }
    }

    private static List<List<String>> copy(List<List<String>> keys) {
        List<List<String>> copy = new ArrayList<>();
        keys.forEach(k -> copy.add(new ArrayList<>(k)));
        return copy;
    }

    // ---- DDL while streaming

    private List<String> ddl() {
        List<String> sql = new ArrayList<>();
        List<Table> touched = new ArrayList<>();
        for (int n = v.between(1, 3); n > 0; n--) {
            Table t = v.pick(tables);
            if (db == Db.PG && rules.path().log() && !touched.contains(t)) {
                // the runner runs DDL while no pipeline runs; docs/source-postgres.md ("What is not seen"): such a
                // DDL is seen only when the stream has a change of the table from before it, so write one
                touched.add(t);
                sql.add(insert(t, t.keys, 1));
            }
            int kind = random.nextInt(4);
            if (kind == 3) {
                List<Col> renamable = t.columns.stream().filter(c -> !c.key() && !c.server()
                        && t.columns.stream().noneMatch(g -> g.server() && g.type().ddl().contains(db.quote(c.name()))))
                        .toList();
                if (!renamable.isEmpty()) {
                    Col c = v.pick(renamable);
                    Col renamed = new Col(c.name() + "_r", c.type(), c.nullable(), false, false);
                    t.columns.set(t.columns.indexOf(c), renamed);
                    sql.add("ALTER TABLE " + t.ref(db) + " RENAME COLUMN " + db.quote(c.name()) + " TO "
                            + db.quote(renamed.name()));
                }
                continue;
            }
            if (kind == 0 || t.columns.size() < 3) {
                Col c = newColumn();
                if (t.columns.stream().anyMatch(existing -> existing.name().equals(c.name()))) {
                    continue;
                }
                Col added = new Col(c.name(), c.type(), true, false, false);
                t.columns.add(added);
                sql.add("ALTER TABLE " + t.ref(db) + " ADD COLUMN " + db.quote(added.name()) + " "
                        + added.type().ddl() + " NULL");
            } else if (kind == 1) {
                List<Col> droppable = t.columns.stream().filter(c -> !c.key() && !c.server()
                        && t.columns.stream().noneMatch(g -> g.server() && g.type().ddl().contains(db.quote(c.name()))))
                        .toList();
                if (!droppable.isEmpty()) {
                    Col c = v.pick(droppable);
                    t.columns.remove(c);
                    sql.add("ALTER TABLE " + t.ref(db) + " DROP COLUMN " + db.quote(c.name()));
                }
            } else {
                List<String> narrow = db == Db.PG ? List.of("smallint", "integer")
                        : List.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT");
                List<Col> widenable = t.columns.stream().filter(c -> !c.key() && narrow.contains(c.type().label()))
                        .toList();
                if (!widenable.isEmpty()) {
                    Col c = v.pick(widenable);
                    String big = db == Db.PG ? "bigint" : "BIGINT";
                    Col wide = new Col(c.name(), new ColumnType(big, Kind.INT, c.type().literal()), c.nullable(),
                            false, false);
                    t.columns.set(t.columns.indexOf(c), wide);
                    sql.add(db == Db.PG
                            ? "ALTER TABLE " + t.ref(db) + " ALTER COLUMN " + db.quote(c.name()) + " TYPE bigint"
                            : "ALTER TABLE " + t.ref(db) + " MODIFY " + db.quote(c.name()) + " BIGINT"
                                    + (c.nullable() ? " NULL" : " NOT NULL"));
                }
            }
        }
        return sql;
    }
}

package dev.sluice.difftest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds a table from the Parquet files with DuckDB, by the recipe of docs/sink-s3.md: the rows after the last
 * {@code t}, the last change per key by {@code _seq}, deletes removed, a column listed in {@code _unchanged} keeping
 * the key's previous value — or, for the {@code u} row of a key change (a {@code d} row of the old key at
 * {@code _seq - 1} with the same {@code _position}), the old key's last value. Also checks that no {@code _seq}
 * repeats and that no change was written twice since the table's last {@code t} (a snapshot that starts over after
 * a crash, as the consistent one does, writes its {@code t} and its rows again: documented as at least once, and
 * the recipe drops what came before). The fold is done here, in plain Java,
 * over what DuckDB read: Sluice's own reader code is not involved.
 */
final class LakeReader {

    private LakeReader() {}

    /** The rebuilt state by key; problems (duplicates) are added to {@code problems}. */
    static Map<List<String>, List<String>> rebuild(Path root, String namespace, Table table, List<String> problems)
            throws SQLException {
        Path folder = root.resolve(table.namespace == null ? namespace : table.namespace).resolve(table.name);
        Map<List<String>, List<String>> state = new LinkedHashMap<>();
        if (!Files.isDirectory(folder)) {
            return state;
        }
        String files = "read_parquet('" + folder.toString().replace("'", "''")
                + "/**/*.parquet', union_by_name = true, hive_partitioning = true)";
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            Set<String> present = new HashSet<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + files)) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
            List<List<String>> rows = Reader.readAll(duck, Projection.DUCKDB, table.columns, present,
                    ", _op, _seq, CAST(_unchanged AS VARCHAR), _position", files + " ORDER BY _seq", problems,
                    table.label());
            int n = table.columns.size();
            Set<String> seqs = new HashSet<>();
            Set<List<String>> images = new HashSet<>();
            // the row before this one, if it was a delete: a key change's u row takes _unchanged values from it
            List<String> deleted = null;
            String deletedSeq = null;
            String deletedPosition = null;
            for (List<String> row : rows) {
                String op = row.get(n);
                String seq = row.get(n + 1);
                List<String> values = row.subList(0, n);
                if (!seqs.add(seq)) {
                    problems.add(table.label() + ": _seq " + seq + " written twice");
                }
                List<String> image = new ArrayList<>(Reader.key(table, values));
                image.add(op);
                image.add(row.get(n + 3));
                if (!op.equals("t") && !images.add(image)) {
                    problems.add(table.label() + ": the change " + image + " (key, _op, _position) written twice");
                }
                boolean keyChange = op.equals("u") && deletedSeq != null
                        && Long.parseLong(seq) == Long.parseLong(deletedSeq) + 1
                        && row.get(n + 3) != null && row.get(n + 3).equals(deletedPosition);
                List<String> oldKeyRow = deleted;
                deleted = null;
                deletedSeq = null;
                deletedPosition = null;
                if (op.equals("t")) {
                    state.clear();
                    images.clear();
                    continue;
                }
                List<String> key = Reader.key(table, values);
                if (op.equals("d")) {
                    deleted = state.remove(key);
                    deletedSeq = seq;
                    deletedPosition = row.get(n + 3);
                    continue;
                }
                List<String> next = new ArrayList<>(values);
                String unchanged = row.get(n + 2);
                if (unchanged != null) {
                    List<String> previous = keyChange ? oldKeyRow : state.get(key);
                    for (String name : Kind.array(unchanged).replaceAll("[\\[\\]]", "").split(",\\s*")) {
                        for (int i = 0; i < n; i++) {
                            if (table.columns.get(i).name().equals(name)) {
                                next.set(i, previous == null ? "<unchanged without a previous row>" : previous.get(i));
                            }
                        }
                    }
                }
                state.put(key, next);
            }
        }
        return state;
    }

}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ALTER TABLE statements that change the values of existing rows without row events: the table is re-read at the
 * statement's place, so the state rebuilt from the events (after the last TRUNCATE, the last change per key) equals
 * the table; statements that change no values re-read nothing.
 */
@ExtendWith(MariaDbExtension.class)
class SchemaRereadIT {

    @Test
    void renamedColumnHoldsTheValuesOfUnchangedRows(MariaDbDatabase db) throws Exception {
        assertRebuiltStateAfter(db, "CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)",
                "ALTER TABLE t RENAME COLUMN c TO c2");
    }

    @Test
    void addedColumnWithADefaultHoldsTheDefaultInUnchangedRows(MariaDbDatabase db) throws Exception {
        assertRebuiltStateAfter(db, "CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)",
                "ALTER TABLE t ADD COLUMN x int DEFAULT 5");
    }

    @Test
    void convertedColumnHoldsTheConvertedValuesOfUnchangedRows(MariaDbDatabase db) throws Exception {
        assertRebuiltStateAfter(db, "CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n float)",
                "ALTER TABLE t MODIFY COLUMN n decimal(5,1)");
    }

    @Test
    void shortenedVarcharHoldsTheCutValuesOfUnchangedRows(MariaDbDatabase db) throws Exception {
        assertRebuiltStateAfter(db, "CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)",
                "SET SESSION sql_mode = ''", "ALTER TABLE t MODIFY COLUMN c varchar(2)");
    }

    @Test
    void storedGeneratedColumnHoldsItsValuesInUnchangedRows(MariaDbDatabase db) throws Exception {
        assertRebuiltStateAfter(db, "CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)",
                "ALTER TABLE t ADD COLUMN g int AS (n * 2) STORED");
    }

    @Test
    void droppedColumnOrAddedIndexReReadsNothing(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)", "INSERT INTO t VALUES (1, 'a', 1)");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (2, 'b', 2)", "ALTER TABLE t DROP COLUMN n",
                    "INSERT INTO t VALUES (3, 'c')", "ALTER TABLE t ADD INDEX by_c (c)", "INSERT INTO t VALUES (4, 'd')");
            List<ChangeEvent> events = Streams.poll(stream, 3);
            assertThat(events).extracting(e -> e.op() + " " + e.after().values().get(0))
                    .containsExactly("INSERT 2", "INSERT 3", "INSERT 4");
        }
    }

    @Test
    void failModeStopsNamingTheTableAndTheStatement(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, c varchar(10))", "INSERT INTO t VALUES (1, 'a')");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER)
                .schemaChanges(SchemaChanges.FAIL).build().open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (2, 'b')", "ALTER TABLE t RENAME COLUMN c TO c2");
            assertThatThrownBy(() -> Streams.pollUntil(stream, e -> false))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining(db.name() + ".t")
                    .hasMessageContaining("RENAME COLUMN c TO c2")
                    .hasMessageContaining("SchemaChanges.REREAD");
        }
    }

    @Test
    void restartInTheMiddleOfAReReadRepeatsIt(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, c varchar(10), n int)");
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
        for (int id = 1; id <= 5000; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'r").append(id).append("', ")
                    .append(id).append(")");
        }
        db.execute(insert.toString());
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        List<ChangeEvent> delivered = new ArrayList<>();
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            db.execute("UPDATE t SET n = 0 WHERE id = 1", "ALTER TABLE t RENAME COLUMN c TO c2");
            // the update, the re-read's TRUNCATE and some of its rows: the stream stops in the middle of it
            delivered.addAll(Streams.pollUntil(stream, e -> e.size() > 100 && e.get(e.size() - 1).op() == Op.READ));
        }
        assertThat(delivered.get(1).op()).isEqualTo(Op.TRUNCATE);
        assertThat(delivered).hasSizeLessThan(5002);
        db.execute("UPDATE t SET c2 = 'late' WHERE id = 4999", "DELETE FROM t WHERE id = 5000",
                "INSERT INTO t VALUES (6000, 'new', 6)");
        try (ChangeStream stream = source.open(delivered.get(delivered.size() - 1).offset(), Streams.CONTEXT)) {
            List<ChangeEvent> again = Streams.pollUntil(stream, e -> !e.isEmpty()
                    && e.get(e.size() - 1).op() == Op.INSERT);
            assertThat(again.get(0).op()).as("the re-read starts again").isEqualTo(Op.TRUNCATE);
            delivered.addAll(again);
        }
        assertThat(rebuild(delivered)).isEqualTo(table(db));
    }

    /**
     * Rows 1-4, then a stream; row 1 changes before the statement (so the stream knows the table's columns), rows 2
     * and 3 and a new row 5 after it, row 4 never.
     */
    private static void assertRebuiltStateAfter(MariaDbDatabase db, String create, String... alter)
            throws Exception {
        db.execute(create, "INSERT INTO t VALUES (1, 'one', 1.26), (2, 'two', 2.5), (3, 'three', 3.75),"
                + " (4, 'four', 4.45)");
        List<String> statements = new ArrayList<>(List.of(alter));
        boolean renamed = String.join(" ", alter).contains("c TO c2");
        statements.addAll(List.of("UPDATE t SET n = 20 WHERE id = 2", "DELETE FROM t WHERE id = 3",
                "INSERT INTO t (id, c" + (renamed ? "2" : "") + ", n) VALUES (5, 'five', 5)"));
        try (ChangeStream stream = Streams.source(db).build().open(null, Streams.CONTEXT)) {
            List<ChangeEvent> events = new ArrayList<>(Streams.poll(stream, 5));
            // the snapshot's transaction ends when the stream moves on to the binlog: the ALTER would wait for it
            db.execute("UPDATE t SET n = 10 WHERE id = 1");
            events.addAll(Streams.poll(stream, 1));
            db.execute(statements.toArray(new String[0]));
            events.addAll(Streams.pollUntil(stream, e -> e.stream().anyMatch(x -> x.op() == Op.INSERT)));
            assertThat(events).extracting(ChangeEvent::op).contains(Op.TRUNCATE, Op.READ);
            assertThat(rebuild(events)).isEqualTo(table(db));
        }
    }

    /** After the last TRUNCATE, the last change per key; deletes removed. Values as text. */
    private static Map<Integer, Map<String, String>> rebuild(List<ChangeEvent> events) {
        Map<Integer, Map<String, String>> rows = new TreeMap<>();
        for (ChangeEvent e : events) {
            if (e.op() == Op.TRUNCATE) {
                rows.clear();
            } else if (e.op() == Op.DELETE) {
                rows.remove((Integer) e.before().values().get(0));
            } else {
                rows.put((Integer) e.after().values().get(0), text(e.schema(), e.after()));
            }
        }
        return rows;
    }

    private static Map<String, String> text(Schema schema, Row row) {
        Map<String, String> values = new TreeMap<>();
        for (int i = 0; i < schema.columns().size(); i++) {
            Object value = row.values().get(i);
            values.put(schema.columns().get(i).name(), value instanceof BigDecimal d ? d.toPlainString()
                    : String.valueOf(value));
        }
        return values;
    }

    private static Map<Integer, Map<String, String>> table(MariaDbDatabase db) throws Exception {
        Map<Integer, Map<String, String>> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM t")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> values = new TreeMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    values.put(meta.getColumnLabel(i), String.valueOf(rs.getObject(i)));
                }
                rows.put(rs.getInt(1), values);
            }
        }
        return rows;
    }
}

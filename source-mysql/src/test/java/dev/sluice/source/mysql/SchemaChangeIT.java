package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Column and table DDL mid-stream, on captured and uncaptured tables, and a restart in the middle of it. */
@ExtendWith(MariaDbExtension.class)
class SchemaChangeIT {

    @Test
    void ddlWhileWritesContinueOnCapturedAndUncapturedTables(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, name varchar(50))", "CREATE TABLE ignored (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER)
                .tables(TableFilter.include(db.name() + ".*").exclude(db.name() + ".ignored*")).build();
        ChangeStream stream = source.open(null, Streams.CONTEXT);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    int id = written.get() + 1;
                    s.execute("INSERT INTO t (id, name) VALUES (" + id + ", 'n" + id + "')");
                    s.execute("INSERT INTO ignored (id) VALUES (" + id + ")");
                    written.set(id);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }, "writer");
        try {
            writer.start();
            String[] ddl = {"ALTER TABLE t ADD COLUMN extra int DEFAULT 7", "ALTER TABLE ignored ADD COLUMN z int",
                "ALTER TABLE t MODIFY name varchar(200)", "ALTER TABLE t RENAME COLUMN extra TO extra2",
                "CREATE TABLE ignored_too (id int)", "DROP TABLE ignored_too", "ALTER TABLE ignored DROP COLUMN z",
                "ALTER TABLE t DROP COLUMN extra2"};
            for (String statement : ddl) {
                awaitWrites(written, failure);
                db.execute(statement);
            }
            awaitWrites(written, failure);
            stop.set(true);
            writer.join();

            int total = written.get();
            // ADD, MODIFY and RENAME COLUMN re-read t (a TRUNCATE and READ events); the pure DROP COLUMN does not
            List<ChangeEvent> all = Streams.pollUntil(stream,
                    e -> e.stream().filter(x -> x.op() == Op.INSERT).count() >= total);
            assertThat(all.stream().filter(e -> e.op() == Op.TRUNCATE).count()).isEqualTo(3);
            List<ChangeEvent> events = all.stream().filter(e -> e.op() != Op.TRUNCATE && e.op() != Op.READ).toList();
            assertThat(events).hasSize(total).allMatch(e -> e.op() == Op.INSERT && e.table().name().equals("t"));
            List<List<String>> shapes = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                ChangeEvent event = events.get(i);
                assertThat(event.after().get(0)).isEqualTo(i + 1);
                assertThat(event.after().get(event.schema(), "name")).isEqualTo("n" + (i + 1));
                List<String> names = event.schema().columns().stream().map(Column::name).toList();
                if (shapes.isEmpty() || !shapes.get(shapes.size() - 1).equals(names)) {
                    shapes.add(names);
                }
                if (names.size() == 3) {
                    assertThat(event.after().get(2)).as("the default of the added column").isEqualTo(7);
                }
            }
            assertThat(shapes).containsExactly(List.of("id", "name"), List.of("id", "name", "extra"),
                    List.of("id", "name", "extra2"), List.of("id", "name"));

            // create a table with a JSON column, drop it (a TRUNCATE event): the stream follows
            db.execute("CREATE TABLE created (id int PRIMARY KEY, doc json)",
                    "INSERT INTO created VALUES (1, '{\"a\": \"ö\"}')");
            // (MariaDB's JSON is a LONGTEXT in the binlog; that it is JSON comes from information_schema, so read the
            // row while the table exists: see docs/source-mysql.md)
            List<ChangeEvent> more = new ArrayList<>(Streams.poll(stream, 1));
            db.execute("DROP TABLE created", "INSERT INTO t VALUES (-2, 'after drop')");
            more.addAll(Streams.poll(stream, 2));
            assertThat(more.get(0).table()).isEqualTo(TableId.of(db.name(), "created"));
            assertThat(more.get(0).schema().column(1).type()).isEqualTo(Type.JSON);
            assertThat(more.get(0).after().get(1)).isEqualTo("{\"a\": \"ö\"}");
            assertThat(more.get(1).op() + " " + more.get(1).table().name()).isEqualTo("TRUNCATE created");
            assertThat(more.get(2).after().get(1)).isEqualTo("after drop");
            // renaming a captured table to another captured name: its rows are not in the stream under the new
            // name, so the stream stops with the fix (after telling the sinks to forget the old name's rows)
            db.execute("RENAME TABLE t TO t_renamed");
            List<ChangeEvent> beforeFailure = new ArrayList<>();
            assertThatThrownBy(() -> beforeFailure.addAll(Streams.poll(stream, 2)))
                    .isInstanceOf(FatalException.class).hasMessageContaining("renames " + db.name()
                            + ".t to captured table " + db.name() + ".t_renamed");
        } finally {
            stop.set(true);
            writer.join();
            stream.close();
        }
    }

    /** Waits until the writer has written 20 more rows; fails if it failed. */
    private static void awaitWrites(AtomicInteger written, AtomicReference<Exception> failure)
            throws InterruptedException {
        int before = written.get();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (written.get() < before + 20) {
            assertThat(failure.get()).as("the writer's failure").isNull();
            assertThat(System.nanoTime()).as("waiting for the writer").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void restartInTheMiddleOfADdlSequenceDecodesEachRowWithTheSchemaOfItsTime(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        ChangeStream first = source.open(null, Streams.CONTEXT);
        ChangeEvent firstRow;
        try {
            db.execute("INSERT INTO t VALUES (1, 10)", "ALTER TABLE t ADD COLUMN b varchar(10) DEFAULT 'x'",
                    "INSERT INTO t VALUES (2, 20, 'y')", "ALTER TABLE t DROP COLUMN a", "INSERT INTO t VALUES (3, 'z')",
                    "ALTER TABLE t RENAME COLUMN b TO c", "UPDATE t SET c = 'w' WHERE id = 3");
            firstRow = Streams.pollUntil(first, e -> !e.isEmpty()).get(0);
        } finally {
            first.close();
        }
        // the table now is (id, c); the rows after the first were written under three other schemas
        ChangeStream second = source.open(source.decodeOffset(firstRow.offset().encode()), Streams.CONTEXT);
        try {
            // each ALTER re-reads t (the table as it is now): after the restart the stream knows no columns of t
            // from before the ADD; the DROP COLUMN's table now (after the RENAME too) is no subset of the columns
            // before it; the RENAME re-reads anyway
            List<ChangeEvent> all = Streams.pollUntil(second, e -> !e.isEmpty()
                    && e.get(e.size() - 1).op() == Op.UPDATE);
            assertThat(all).extracting(ChangeEvent::op).containsExactly(Op.TRUNCATE, Op.READ, Op.READ, Op.READ,
                    Op.INSERT, Op.TRUNCATE, Op.READ, Op.READ, Op.READ, Op.INSERT, Op.TRUNCATE, Op.READ, Op.READ,
                    Op.READ, Op.UPDATE);
            List<ChangeEvent> rest = all.stream().filter(e -> e.op() != Op.TRUNCATE && e.op() != Op.READ).toList();
            Map<Integer, List<String>> shapeById = new HashMap<>();
            for (ChangeEvent event : rest) {
                shapeById.put((Integer) event.row().get(0), event.schema().columns().stream().map(Column::name).toList());
            }
            assertThat(rest.get(0).after().values()).containsExactly(2, 20, "y");
            assertThat(rest.get(0).schema().columns()).extracting(Column::name).containsExactly("id", "a", "b");
            assertThat(rest.get(1).after().values()).containsExactly(3, "z");
            assertThat(rest.get(1).schema().columns()).extracting(Column::name).containsExactly("id", "b");
            assertThat(rest.get(2).op()).isEqualTo(Op.UPDATE);
            assertThat(rest.get(2).before().values()).containsExactly(3, "z");
            assertThat(rest.get(2).after().values()).containsExactly(3, "w");
            assertThat(rest.get(2).schema().columns()).extracting(Column::name).containsExactly("id", "c");
            assertThat(shapeById).hasSize(2);
        } finally {
            second.close();
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.MemorySink;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The snapshot and the binlog meet without a gap or an overlap, while writers keep changing the table. */
@ExtendWith(MariaDbExtension.class)
class SnapshotSeamIT {

    private static final int INITIAL_ROWS = 5000;

    @Test
    void finalStateRebuiltFromSnapshotAndStreamEqualsTheTableUnderConcurrentWrites(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, note varchar(20))");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int start = 1; start <= INITIAL_ROWS; start += 500) {
                StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
                for (int id = start; id < start + 500; id++) {
                    sql.append(id == start ? "" : ", ").append("(").append(id).append(", 0, 'initial')");
                }
                s.execute(sql.toString());
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(db, stop, failure), "writer");
        writer.start();
        ChangeStream stream = null;
        try {
            Thread.sleep(100); // the writer is busy before the snapshot starts
            stream = Streams.source(db).build().open(null, Streams.CONTEXT);
            List<ChangeEvent> events = Streams.pollUntil(stream,
                    e -> !e.isEmpty() && e.get(e.size() - 1).op() != Op.READ && e.get(e.size() - 1).op() != Op.TRUNCATE);
            Thread.sleep(300); // and goes on while the stream runs
            stop.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            db.execute("INSERT INTO t VALUES (-1, -1, 'end')");
            events.addAll(Streams.pollUntil(stream, e -> !e.isEmpty()
                    && Integer.valueOf(-1).equals(e.get(e.size() - 1).row().get(0))));

            assertThat(events.stream().filter(e -> e.op() == Op.READ).count()).isGreaterThan(INITIAL_ROWS / 2);
            assertThat(events.stream().filter(e -> e.op() != Op.READ).count()).as("changes after the snapshot")
                    .isGreaterThan(1);
            Map<Integer, String> rebuilt = new TreeMap<>();
            for (ChangeEvent event : events) {
                if (event.op() == Op.TRUNCATE) {
                    rebuilt.clear();
                } else if (event.op() == Op.DELETE) {
                    assertThat(rebuilt.remove((Integer) event.before().get(0))).as("deleted row existed").isNotNull();
                } else {
                    if (event.op() == Op.INSERT) {
                        assertThat(rebuilt).as("inserted row is new").doesNotContainKey((Integer) event.after().get(0));
                    }
                    rebuilt.put((Integer) event.after().get(0), event.after().get(1) + "/" + event.after().get(2));
                }
            }
            assertThat(rebuilt).isEqualTo(table(db));
        } finally {
            stop.set(true);
            writer.join();
            if (stream != null) {
                stream.close();
            }
        }
    }

    @Test
    void initialOnlyFinishesAfterTheSnapshotAndNeverStreamsNothingOld(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2), (3)");
        MemorySink sink = new MemorySink();
        InMemoryOffsetStore offsets = new InMemoryOffsetStore();
        MySqlSource once = Streams.source(db).snapshotMode(SnapshotMode.INITIAL_ONLY).build();
        try (Pipeline pipeline = Pipeline.builder().name("seam-it").source(once).sink(sink).offsetStore(offsets)
                .build()) {
            assertThat(pipeline.runUntilCaughtUp().caughtUp()).isTrue();
        }
        assertThat(sink.durable()).extracting(e -> e.op() + ":" + (e.after() == null ? "-" : e.after().get(0)))
                .containsExactly("TRUNCATE:-", "READ:1", "READ:2", "READ:3");
        assertThat(offsets.load("seam-it")).hasValueSatisfying(o -> assertThat(o).startsWith("mysql:binlog:"));

        ChangeStream never = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build().open(null, Streams.CONTEXT);
        try {
            db.execute("INSERT INTO t VALUES (4)");
            assertThat(Streams.poll(never, 1)).extracting(e -> e.op() + ":" + e.after().get(0))
                    .containsExactly("INSERT:4");
        } finally {
            never.close();
        }
    }

    private static void write(MariaDbDatabase db, AtomicBoolean stop, AtomicReference<Exception> failure) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int next = INITIAL_ROWS + 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(next - 1);
                switch (random.nextInt(4)) {
                    case 0 -> s.execute("INSERT INTO t VALUES (" + next++ + ", 1, 'new')");
                    case 1 -> s.execute("DELETE FROM t WHERE id = " + id);
                    default -> {
                        // a transaction touching two rows
                        c.setAutoCommit(false);
                        s.execute("UPDATE t SET v = v + 1, note = 'upd' WHERE id = " + id);
                        s.execute("UPDATE t SET v = v + 10 WHERE id = " + (1 + random.nextInt(next - 1)));
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static Map<Integer, String> table(MariaDbDatabase db) throws Exception {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v, note FROM t")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2) + "/" + rs.getString(3));
            }
        }
        return rows;
    }
}

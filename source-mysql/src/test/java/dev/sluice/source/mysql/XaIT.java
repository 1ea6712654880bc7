package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.RetriableException;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** XA transactions: rows are delivered at XA COMMIT, never at XA END or PREPARE, and never after XA ROLLBACK. */
@ExtendWith(MariaDbExtension.class)
class XaIT {

    @Test
    void preparedRowsArriveAtXaCommitAfterWhatCommittedBefore(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (ChangeStream stream = source.open(null, Streams.CONTEXT); Connection xa = db.connect();
                Statement s = xa.createStatement()) {
            s.execute("XA START 'a'");
            s.execute("INSERT INTO t VALUES (1), (2)");
            s.execute("XA END 'a'");
            s.execute("XA PREPARE 'a'");
            db.execute("INSERT INTO t VALUES (10)");
            List<ChangeEvent> first = Streams.poll(stream, 1);
            assertThat(first.get(0).after().get(0)).isEqualTo(10);
            assertThat(stream.poll(Duration.ofMillis(500))).as("nothing before the XA COMMIT").isEmpty();
            s.execute("XA COMMIT 'a'");
            List<ChangeEvent> committed = Streams.poll(stream, 2);
            assertThat(committed).extracting(e -> e.op() + ":" + e.after().get(0)).containsExactly("INSERT:1", "INSERT:2");
            assertThat(committed.get(0).offset().covers(first.get(0).offset())).isTrue();
            assertThat(committed.get(1).offset().covers(committed.get(0).offset())).isTrue();
        }
    }

    @Test
    void rolledBackXaDeliversNothingAndOnePhaseCommitDelivers(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (ChangeStream stream = source.open(null, Streams.CONTEXT); Connection xa = db.connect();
                Statement s = xa.createStatement()) {
            for (String sql : List.of("XA START 'r'", "INSERT INTO t VALUES (1)", "XA END 'r'", "XA PREPARE 'r'",
                    "XA ROLLBACK 'r'", "XA START 'n'", "INSERT INTO t VALUES (2)", "XA END 'n'", "XA ROLLBACK 'n'",
                    "XA START 'o'", "INSERT INTO t VALUES (3)", "XA END 'o'", "XA COMMIT 'o' ONE PHASE")) {
                s.execute(sql);
            }
            db.execute("INSERT INTO t VALUES (4)");
            List<ChangeEvent> events = Streams.poll(stream, 2);
            assertThat(events).extracting(e -> e.op() + ":" + e.after().get(0)).containsExactly("INSERT:3", "INSERT:4");
        }
    }

    @Test
    void aRestartWhileAnXaIsPreparedDeliversItsRowsAtTheCommitAndNothingTwice(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (Connection xa = db.connect(); Statement s = xa.createStatement()) {
            ChangeEvent afterPrepare;
            try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
                s.execute("XA START 'p'");
                s.execute("INSERT INTO t VALUES (1)");
                s.execute("XA END 'p'");
                s.execute("XA PREPARE 'p'");
                db.execute("INSERT INTO t VALUES (10)", "INSERT INTO t VALUES (11)");
                afterPrepare = Streams.poll(stream, 2).get(0);
            }
            assertThat(afterPrepare.offset().encode()).contains(";xa=");
            s.execute("XA COMMIT 'p'");
            try (ChangeStream stream = source.open(source.decodeOffset(afterPrepare.offset().encode()),
                    Streams.CONTEXT)) {
                List<ChangeEvent> events = Streams.poll(stream, 2);
                assertThat(events).extracting(e -> e.op() + ":" + e.after().get(0))
                        .containsExactly("INSERT:11", "INSERT:1");
                assertThat(events.get(1).offset().encode()).doesNotContain(";xa=");
                assertThat(stream.poll(Duration.ofMillis(300))).isEmpty();
            }
        }
    }


    @Test
    void aFreshStartWaitsWhileAnXaIsPreparedWhoseRowsNeitherSnapshotNorStreamWouldHave(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).build();
        try (Connection xa = db.connect(); Statement s = xa.createStatement()) {
            s.execute("XA START 'early'");
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("XA END 'early'");
            s.execute("XA PREPARE 'early'");
            try {
                assertThatThrownBy(() -> source.open(null, Streams.CONTEXT)).isInstanceOf(RetriableException.class)
                        .hasMessageContaining("prepared and not committed").hasMessageContaining("early");
            } finally {
                s.execute("XA COMMIT 'early'");
            }
        }
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            assertThat(Streams.pollSnapshot(stream, 1).get(0).after().get(0)).isEqualTo(1);
        }
    }
}

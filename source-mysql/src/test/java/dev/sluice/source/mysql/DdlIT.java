package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Statements that change rows without row events: TRUNCATE, DROP, RENAME, partition maintenance, and DML logged as
 * statements. Each either becomes a TRUNCATE event at its place in the stream, or stops the stream with a
 * FatalException that names the fix; none is skipped silently.
 */
@ExtendWith(MariaDbExtension.class)
class DdlIT {

    @Test
    void truncateOfACapturedTableIsATruncateEventAtItsPosition(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE other (id int PRIMARY KEY)");
        try (ChangeStream stream = Streams.source(db).tables(TableFilter.include(db.name() + ".t"))
                .snapshotMode(SnapshotMode.NEVER).build().open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1), (2)", "TRUNCATE TABLE other", "TRUNCATE t",
                    "INSERT INTO t VALUES (3)");
            List<ChangeEvent> events = Streams.poll(stream, 4);
            assertThat(events).extracting(ChangeEvent::op)
                    .containsExactly(Op.INSERT, Op.INSERT, Op.TRUNCATE, Op.INSERT);
            ChangeEvent truncate = events.get(2);
            assertThat(truncate.table()).isEqualTo(TableId.of(db.name(), "t"));
            assertThat(truncate.before()).isNull();
            assertThat(truncate.after()).isNull();
            assertThat(truncate.schema()).isEqualTo(events.get(0).schema());
            assertThat(truncate.offset().covers(events.get(1).offset())).isTrue();
            assertThat(events.get(3).offset().covers(truncate.offset())).isTrue();
            assertThat(events.get(1).offset().covers(truncate.offset())).isFalse();
        }
    }

    @Test
    void resumingAfterATruncateDoesNotRepeatIt(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        ChangeEvent truncate;
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1)", "TRUNCATE t", "INSERT INTO t VALUES (2)");
            truncate = Streams.poll(stream, 3).get(1);
        }
        try (ChangeStream stream = source.open(truncate.offset(), Streams.CONTEXT)) {
            ChangeEvent next = Streams.poll(stream, 1).get(0);
            assertThat(next.op()).isEqualTo(Op.INSERT);
            assertThat(next.after().get(next.schema(), "id")).isEqualTo(2);
        }
    }

    @Test
    void droppingOrRenamingACapturedTableAwayIsATruncateEvent(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)",
                "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)", "CREATE TABLE idle (id int PRIMARY KEY)",
                "INSERT INTO idle VALUES (7)");
        TableFilter filter = TableFilter.include(db.name() + ".a", db.name() + ".b", db.name() + ".idle");
        try (ChangeStream stream = Streams.source(db).tables(filter).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO a VALUES (2)", "DROP TABLE a", "RENAME TABLE b TO b_archive",
                    "DROP TABLE idle");
            List<ChangeEvent> events = Streams.poll(stream, 4);
            assertThat(events).extracting(e -> e.op() + " " + e.table().name())
                    .containsExactly("INSERT a", "TRUNCATE a", "TRUNCATE b", "TRUNCATE idle");
            // the idle table had no rows in the stream: its schema was read when the stream opened
            assertThat(events.get(3).schema().column(0).name()).isEqualTo("id");
        }
    }

    @Test
    void droppingADatabaseIsATruncateOfEachOfItsCapturedTables(MariaDbDatabase db) throws Exception {
        String other = db.name() + "_x";
        db.execute("CREATE DATABASE `" + other + "`", "CREATE TABLE `" + other + "`.a (id int PRIMARY KEY)",
                "CREATE TABLE `" + other + "`.b (id int PRIMARY KEY)", "INSERT INTO `" + other + "`.b VALUES (1)");
        try (ChangeStream stream = Streams.source(db).tables(TableFilter.include(other + ".*"))
                .snapshotMode(SnapshotMode.NEVER).build().open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO `" + other + "`.a VALUES (1)", "DROP DATABASE `" + other + "`");
            List<ChangeEvent> events = Streams.poll(stream, 3);
            assertThat(events).extracting(e -> e.op() + " " + e.table().name())
                    .containsExactly("INSERT a", "TRUNCATE a", "TRUNCATE b");
        } finally {
            db.execute("DROP DATABASE IF EXISTS `" + other + "`");
        }
    }

    @Test
    void aTableCreatedUnderTheGlobWhileRunningIsCapturedFromItsFirstRowAndAgainAfterRecreation(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE existing (id int PRIMARY KEY)");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            db.execute("CREATE TABLE newt (id int PRIMARY KEY, v varchar(5))", "INSERT INTO newt VALUES (1, 'a')",
                    "DROP TABLE newt", "CREATE TABLE newt (id int PRIMARY KEY, w int)", "INSERT INTO newt VALUES (2, 3)",
                    "CREATE TABLE fresh (id int PRIMARY KEY)", "DROP TABLE fresh");
            List<ChangeEvent> events = Streams.poll(stream, 3);
            assertThat(events).extracting(e -> e.op() + " " + e.table().name() + " " + e.schema().column(1).name())
                    .containsExactly("INSERT newt v", "TRUNCATE newt v", "INSERT newt w");
            assertThat(stream.poll(Duration.ofMillis(500))).as("a table created and dropped empty: nothing").isEmpty();
        }
    }

    @Test
    void renamingAnotherTableIntoTheFilterStopsWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE staging (id int PRIMARY KEY)", "CREATE TABLE live (id int PRIMARY KEY)");
        TableFilter filter = TableFilter.include(db.name() + ".live");
        try (ChangeStream stream = Streams.source(db).tables(filter).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO staging VALUES (1)", "RENAME TABLE live TO live_old, staging TO live");
            assertThatThrownBy(() -> Streams.poll(stream, 2)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("renames " + db.name() + ".staging to captured table " + db.name() + ".live")
                    .hasMessageContaining("Fix: delete this pipeline's stored offset");
        }
    }

    @Test
    void partitionMaintenanceOnACapturedTableStopsWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10),"
                + " PARTITION p1 VALUES LESS THAN MAXVALUE)", "INSERT INTO p VALUES (1), (20)");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            db.execute("ALTER TABLE p TRUNCATE PARTITION p0");
            assertThatThrownBy(() -> Streams.poll(stream, 1)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("by partition").hasMessageContaining("new snapshot");
        }
    }

    @Test
    void statementLoggedDmlOnACapturedTableStopsWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE TABLE other (id int PRIMARY KEY)");
        try (ChangeStream stream = Streams.source(db).tables(TableFilter.include(db.name() + ".t"))
                .snapshotMode(SnapshotMode.NEVER).build().open(null, Streams.CONTEXT)) {
            adminRun(db, "SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO other VALUES (1)",
                    "UPDATE t SET v = 2 WHERE id = 1");
            assertThatThrownBy(() -> Streams.poll(stream, 1)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("captured table " + db.name() + ".t as a statement")
                    .hasMessageContaining("binlog_format=ROW");
        }
    }

    @Test
    void snapshotReadsOfEachTableFollowATruncateSoSinksForgetAnEarlierSnapshot(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
        try (ChangeStream stream = Streams.source(db).build().open(null, Streams.CONTEXT)) {
            List<ChangeEvent> events = Streams.poll(stream, 3);
            assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.TRUNCATE, Op.READ, Op.READ);
        }
    }

    /** Runs statements on one connection as the admin user (session binlog settings need BINLOG ADMIN). */
    static void adminRun(MariaDbDatabase db, String... sql) throws Exception {
        try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
            s.execute("USE `" + db.name() + "`");
            for (String each : sql) {
                s.execute(each);
            }
        }
    }

    static List<ChangeEvent> withoutTruncates(List<ChangeEvent> events) {
        List<ChangeEvent> rows = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (e.op() != Op.TRUNCATE) {
                rows.add(e);
            }
        }
        return rows;
    }
}

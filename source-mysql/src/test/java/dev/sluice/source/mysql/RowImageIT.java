package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions that override {@code binlog_row_image}: an UPDATE keeps its key and never turns a value it lacks into
 * NULL (the column is marked unchanged); a DELETE keeps its key; an INSERT that lacks columns stops with the fix.
 */
@ExtendWith(MariaDbExtension.class)
class RowImageIT {

    @Test
    void minimalUpdateKeepsItsKeyAndMarksTheColumnsItLacksUnchanged(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (k1 int, k2 varchar(5), a int, b text, PRIMARY KEY (k1, k2))",
                "INSERT INTO t VALUES (1, 'x', 10, 'long text')");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            DdlIT.adminRun(db, "SET SESSION binlog_row_image = 'MINIMAL'", "UPDATE t SET a = 11 WHERE k1 = 1",
                    "DELETE FROM t WHERE k1 = 1");
            ChangeEvent update = Streams.poll(stream, 2).get(0);
            Schema schema = update.schema();
            assertThat(update.op()).isEqualTo(Op.UPDATE);
            assertThat(update.after().values()).containsExactly(1, "x", 11, null);
            assertThat(update.unchangedColumns()).containsExactly(schema.indexOf("b"));
            assertThat(update.isUnchanged(schema.indexOf("k1"))).isFalse();
        }
    }

    @Test
    void minimalDeleteKeepsItsKey(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int)", "INSERT INTO t VALUES (1, 10)");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            DdlIT.adminRun(db, "SET SESSION binlog_row_image = 'MINIMAL'", "DELETE FROM t WHERE id = 1");
            ChangeEvent delete = Streams.poll(stream, 1).get(0);
            assertThat(delete.op()).isEqualTo(Op.DELETE);
            assertThat(delete.before().get(0)).isEqualTo(1);
        }
    }

    @Test
    void noblobUpdateMarksTheBlobItLacksUnchanged(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int, doc blob)", "INSERT INTO t VALUES (1, 10, X'0102')");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            DdlIT.adminRun(db, "SET SESSION binlog_row_image = 'NOBLOB'", "UPDATE t SET a = 11 WHERE id = 1");
            ChangeEvent update = Streams.poll(stream, 1).get(0);
            assertThat(update.after().values()).containsExactly(1, 11, null);
            assertThat(update.isUnchanged(2)).isTrue();
        }
    }

    @Test
    void minimalInsertLackingColumnsStopsWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT 5)");
        try (ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, Streams.CONTEXT)) {
            DdlIT.adminRun(db, "SET SESSION binlog_row_image = 'MINIMAL'", "INSERT INTO t (id) VALUES (1)");
            assertThatThrownBy(() -> Streams.poll(stream, 1)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("binlog_row_image=FULL");
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Offsets name the server and (MariaDB) the GTID state of their position: an offset read from another server (a
 * failover) resumes by GTID at the right row; one whose file and position name other events of this server
 * (RESET MASTER, a restore) stops with the fix.
 */
@ExtendWith(MariaDbExtension.class)
class ServerIdentityIT {

    @Test
    void offsetsCarryTheServerAndTheGtidStateOfTheirGroup(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)");
            List<ChangeEvent> events = Streams.poll(stream, 2);
            MySqlOffset first = (MySqlOffset) events.get(0).offset();
            MySqlOffset second = (MySqlOffset) events.get(1).offset();
            assertThat(first.server()).isNotBlank();
            // (the server is shared: other transactions may come between, so the domain's sequence is at least it)
            String domain = first.gtid().substring(0, first.gtid().indexOf('-') + 1);
            long seq = Long.parseLong(first.gtid().substring(first.gtid().lastIndexOf('-') + 1));
            assertThat(second.state().split(",")).as("the state at the second group covers the first group's GTID")
                    .anySatisfy(g -> {
                        assertThat(g).startsWith(domain);
                        assertThat(Long.parseLong(g.substring(g.lastIndexOf('-') + 1))).isGreaterThanOrEqualTo(seq);
                    });
        }
    }

    @Test
    void resumingAfterResetMasterStopsWithTheFixInsteadOfReadingAnotherLog() throws Exception {
        assumeTrue(PrivateMariaDb.available(), "needs mariadbd and mariadb-install-db");
        try (PrivateMariaDb server = new PrivateMariaDb(77)) {
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY)");
            MySqlSource source = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("root")
                    .tables(TableFilter.include("shop.*")).snapshotMode(SnapshotMode.NEVER).serverId(5001)
                    .keepAliveInterval(Duration.ofSeconds(2)).build();
            ChangeEvent second;
            try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
                server.execute("INSERT INTO shop.t VALUES (1)", "INSERT INTO shop.t VALUES (2)");
                second = Streams.poll(stream, 2).get(1);
            }
            // the log starts again: the offset's file and position now name other transactions
            server.execute("RESET MASTER", "INSERT INTO shop.t VALUES (3)", "INSERT INTO shop.t VALUES (4)",
                    "INSERT INTO shop.t VALUES (5)");
            Offset stored = source.decodeOffset(second.offset().encode());
            assertThatThrownBy(() -> {
                try (ChangeStream stream = source.open(stored, Streams.CONTEXT)) {
                    Streams.poll(stream, 1);
                }
            }).isInstanceOf(FatalException.class).hasMessageContaining("RESET MASTER")
                    .hasMessageContaining("Fix: delete this pipeline's stored offset");
        }
    }

    @Test
    void anOffsetFromAnotherServerResumesByGtidAtTheNextRow(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        MySqlOffset second;
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2), (3)", "INSERT INTO t VALUES (4)");
            second = (MySqlOffset) Streams.poll(stream, 4).get(1).offset();
        }
        // as after a failover: the same transactions (same GTIDs), but another server
        MySqlOffset failedOver = MySqlOffset.decode(second.encode().replace(";server=" + second.server(),
                ";server=424242"));
        try (ChangeStream stream = source.open(failedOver, Streams.CONTEXT)) {
            assertThat(Streams.poll(stream, 2)).extracting(e -> e.after().get(0)).containsExactly(3, 4);
        }
    }

    @Test
    void aPositionThatNamesOtherEventsOfThisServerStopsWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)", "INSERT INTO t VALUES (3)");
            events = Streams.poll(stream, 3);
        }
        MySqlOffset third = (MySqlOffset) events.get(2).offset();
        MySqlOffset first = (MySqlOffset) events.get(0).offset();
        // as after RESET MASTER and new writes: the third row's file and position now hold the first one's events
        MySqlOffset moved = MySqlOffset.decode(third.encode().replace(":" + third.position() + ":",
                ":" + first.position() + ":"));
        assertThatThrownBy(() -> source.open(moved, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("RESET MASTER").hasMessageContaining("Fix: delete this pipeline's stored offset");
    }
}

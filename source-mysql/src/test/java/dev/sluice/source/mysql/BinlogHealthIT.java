package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The binlog a paused pipeline still needs, measured against real servers. */
@ExtendWith(MariaDbExtension.class)
class BinlogHealthIT {

    @Test
    void backlogGrowsWhileThePipelineIsPaused(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE hl_t (id int PRIMARY KEY, pad varchar(600))");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (MySqlChangeStream stream = (MySqlChangeStream) source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO hl_t VALUES (0, 'x')");
            Streams.poll(stream, 1);
            MySqlOffset committed = (MySqlOffset) stream.position();
            stream.committed(committed);
            SourceHealth start = stream.measureHealth();

            // paused: nobody polls; the server writes on
            String[] before = masterStatus(db);
            db.execute("INSERT INTO hl_t SELECT seq, repeat('x', 500) FROM seq_1_to_4000");
            String[] after = masterStatus(db);
            SourceHealth measured = stream.measureHealth();
            long direct = directBacklog(db, committed);

            long generated = before[0].equals(after[0]) ? Long.parseLong(after[1]) - Long.parseLong(before[1]) : 0;
            assertThat(generated).as("binlog written in one file").isGreaterThan(2_000_000);
            assertThat(measured.backlogBytes()).as("backlog").isGreaterThanOrEqualTo(start.backlogBytes() + generated)
                    .isLessThanOrEqualTo(direct);
            assertThat(measured.retainedBytes()).isGreaterThanOrEqualTo(measured.backlogBytes());
            assertThat(measured.risk()).isNotEqualTo(Risk.UNKNOWN);
            assertThat(measured.checkedAt()).isNotNull();
            assertThat(stream.health()).isEqualTo(measured);

            // read and committed: the backlog is gone (but what others write meanwhile); one more transaction
            // after it, so that the position is past the big one's group
            db.execute("INSERT INTO hl_t VALUES (-1, 'y')");
            Streams.poll(stream, 4001);
            stream.committed(stream.position());
            assertThat(stream.measureHealth().backlogBytes()).isLessThan(generated);
        }
    }

    @Test
    void theNeededFileBecomingTheOldestIsAWarningAndItsPurgeCritical() throws Exception {
        assumeTrue(PrivateMariaDb.available(), "needs mariadbd and mariadb-install-db");
        try (PrivateMariaDb server = new PrivateMariaDb(83, "--binlog-expire-logs-seconds=86400")) {
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY)");
            MySqlSource source = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("root")
                    .tables(TableFilter.include("shop.*")).snapshotMode(SnapshotMode.NEVER).serverId(5083)
                    .keepAliveInterval(Duration.ofSeconds(2)).build();
            try (MySqlChangeStream stream = (MySqlChangeStream) source.open(null, Streams.CONTEXT)) {
                server.execute("INSERT INTO shop.t VALUES (1)");
                Streams.poll(stream, 1);
                MySqlOffset first = (MySqlOffset) stream.position();
                stream.committed(first);
                assertThat(stream.measureHealth().risk()).as("the needed file is the current one").isEqualTo(Risk.OK);

                server.execute("FLUSH BINARY LOGS", "INSERT INTO shop.t VALUES (2)", "FLUSH BINARY LOGS");
                SourceHealth oldest = stream.measureHealth();
                assertThat(oldest.risk()).isEqualTo(Risk.WARNING);
                assertThat(oldest.reason()).contains(first.file()).contains("oldest file left")
                        .contains("binlog_expire_logs_seconds");

                server.execute("PURGE BINARY LOGS TO '" + nextFile(first.file()) + "'");
                SourceHealth purged = stream.measureHealth();
                assertThat(purged.risk()).isEqualTo(Risk.CRITICAL);
                assertThat(purged.reason()).contains(first.file()).contains("purged").contains("re-snapshot");
            }
        }
    }

    private static String nextFile(String file) {
        int dot = file.lastIndexOf('.');
        String digits = file.substring(dot + 1);
        return file.substring(0, dot + 1)
                + String.format("%0" + digits.length() + "d", Long.parseLong(digits) + 1);
    }

    private static String[] masterStatus(MariaDbDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            assertThat(rs.next()).isTrue();
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    /** The binlog bytes after {@code from}, from SHOW BINARY LOGS read now. */
    private static long directBacklog(MariaDbDatabase db, MySqlOffset from) throws Exception {
        List<String> names = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                names.add(rs.getString(1));
                sizes.add(rs.getLong(2));
            }
        }
        int index = names.indexOf(from.file());
        assertThat(index).as("the committed file is still there").isNotNegative();
        long backlog = sizes.get(index) - from.position();
        for (int i = index + 1; i < sizes.size(); i++) {
            backlog += sizes.get(i);
        }
        return backlog;
    }
}

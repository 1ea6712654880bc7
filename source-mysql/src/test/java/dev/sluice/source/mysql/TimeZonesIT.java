package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DATETIME is a wall-clock value and TIMESTAMP an instant, whatever the writer's session zone and the JVM's zone. The
 * module's build runs this class in two JVM zones (UTC and Asia/Seoul).
 */
@ExtendWith(MariaDbExtension.class)
class TimeZonesIT {

    private static final String[] WRITER_ZONES = {"+00:00", "+09:00", "-05:00", "SYSTEM"};

    @Test
    void datetimeAndTimestampReadBackIdenticallyInEveryZone(MariaDbDatabase db) throws Exception {
        System.out.println("TimeZonesIT runs in JVM zone " + TimeZone.getDefault().getID());
        db.execute("CREATE TABLE t (id int PRIMARY KEY, zone varchar(10), dt datetime(6), ts timestamp(6) NULL)");
        insert(db, 0);
        ChangeStream stream = Streams.source(db).build().open(null, Streams.CONTEXT);
        try {
            List<ChangeEvent> snapshot = Streams.pollSnapshot(stream, WRITER_ZONES.length);
            insert(db, 100);
            List<ChangeEvent> streamed = Streams.poll(stream, WRITER_ZONES.length);
            assertThat(snapshot).allMatch(e -> e.op() == Op.READ);
            assertThat(streamed).allMatch(e -> e.op() == Op.INSERT);
            for (int i = 0; i < WRITER_ZONES.length; i++) {
                for (ChangeEvent event : List.of(snapshot.get(i), streamed.get(i))) {
                    int id = (Integer) event.after().get(0);
                    assertThat(event.after().get(event.schema(), "dt")).as("DATETIME written in %s", WRITER_ZONES[i])
                            .isEqualTo(LocalDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_000));
                    assertThat(event.after().get(event.schema(), "ts")).as("TIMESTAMP written in %s", WRITER_ZONES[i])
                            .isEqualTo(serverInstant(db, id));
                }
            }
            // the literal '2024-03-31 02:30:00.123456' written in +09:00 is 17:30 UTC the day before
            assertThat(streamed.get(1).after().get(streamed.get(1).schema(), "ts"))
                    .isEqualTo(Instant.parse("2024-03-30T17:30:00.123456Z"));
            assertThat(streamed.get(2).after().get(streamed.get(2).schema(), "ts"))
                    .isEqualTo(Instant.parse("2024-03-31T07:30:00.123456Z"));
        } finally {
            stream.close();
        }
    }

    private static void insert(MariaDbDatabase db, int firstId) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < WRITER_ZONES.length; i++) {
                s.execute("SET SESSION time_zone = '" + WRITER_ZONES[i] + "'");
                s.execute("INSERT INTO t VALUES (" + (firstId + i) + ", '" + WRITER_ZONES[i] + "',"
                        + " '2024-03-31 02:30:00.123456', '2024-03-31 02:30:00.123456')");
            }
        }
    }

    /** The instant the server holds, asked of the server itself: seconds and microseconds since the epoch. */
    private static Instant serverInstant(MariaDbDatabase db, int id) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(ts), MICROSECOND(ts) FROM t WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            long seconds = rs.getBigDecimal(1).longValue();
            return Instant.ofEpochSecond(seconds, rs.getInt(2) * 1000L);
        }
    }
}

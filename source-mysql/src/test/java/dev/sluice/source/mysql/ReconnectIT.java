package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.Offset;
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

/** An idle connection stays up on heartbeats; a cut one is a retriable failure, and resuming loses nothing. */
@ExtendWith(MariaDbExtension.class)
class ReconnectIT {

    @Test
    void idleStreamSurvivesOnHeartbeatsAndACutConnectionResumesWithoutLoss(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER)
                .keepAliveInterval(Duration.ofMillis(500)).build();
        MySqlChangeStream stream = (MySqlChangeStream) source.open(null, Streams.CONTEXT);
        Offset resumeFrom;
        try {
            db.execute("INSERT INTO t VALUES (1)");
            assertThat(Streams.poll(stream, 1).get(0).after().get(0)).isEqualTo(1);
            // idle for more than three keepalive intervals: heartbeats keep the watchdog quiet
            long idleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < idleUntil) {
                assertThat(stream.poll(Duration.ofMillis(250))).isEmpty();
            }
            resumeFrom = stream.position();
            try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
                s.execute("KILL CONNECTION " + stream.binlogConnectionId());
            }
            db.execute("INSERT INTO t VALUES (2)");
            assertThatThrownBy(() -> Streams.pollUntil(stream, e -> false)).isInstanceOf(RetriableException.class);
        } finally {
            stream.close();
        }
        MySqlChangeStream resumed = (MySqlChangeStream) source.open(resumeFrom, Streams.CONTEXT);
        try {
            List<ChangeEvent> events = Streams.poll(resumed, 1);
            assertThat(events.get(0).after().get(0)).isEqualTo(2);
        } finally {
            resumed.close();
        }
    }
}

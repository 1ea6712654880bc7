package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.PipelineContext;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replication connection stays alive while the capture thread is away (a slow sink, a long snapshot). The
 * test database (this test's own) gets {@code wal_sender_timeout = 1s}: a database-level setting, which the
 * walsender of a logical replication connection to it applies; the shared server's configuration is untouched.
 */
@ExtendWith(PostgresExtension.class)
class BackPressureIT {

    @Test
    void aStreamWhoseCaptureThreadIsAwayLongerThanWalSenderTimeoutStaysConnected(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)",
                "ALTER DATABASE " + db.name() + " SET wal_sender_timeout = '1s'");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).statusInterval(Duration.ofMillis(200))
                .build();
        PipelineContext context = context(PgTests.uniqueName());
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("INSERT INTO t VALUES (1, 'a')");
            assertThat(poll(stream, 1).get(0).after().get(0)).isEqualTo(1);
            int walsender = activePid(db, source.slotName(context));

            // a sink stalls: the capture thread blocks on the full queue and does not poll, while changes go on
            db.execute("INSERT INTO t SELECT g, repeat('x', 1000) FROM generate_series(2, 5001) g");
            Thread.sleep(4_000);

            List<ChangeEvent> events = poll(stream, 5000);
            assertThat(events).extracting(e -> e.after().get(0)).startsWith(2).endsWith(5001);
            assertThat(activePid(db, source.slotName(context))).as("the same walsender").isEqualTo(walsender);
        }
    }

    @Test
    void aSnapshotLongerThanWalSenderTimeoutThenStreamsOnTheSameConnection(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 5000)",
                "ALTER DATABASE " + db.name() + " SET wal_sender_timeout = '1s'");
        PostgresSource source = source(db).statusInterval(Duration.ofMillis(200)).build();
        try (ChangeStream stream = source.open(null, context(PgTests.uniqueName()))) {
            List<ChangeEvent> part = stream.poll(Duration.ofSeconds(1));
            assertThat(part).hasSizeLessThan(5001);
            Thread.sleep(3_000); // the snapshot's reader is slow; the replication connection waits
            db.execute("INSERT INTO t VALUES (5001)");
            List<ChangeEvent> rest = poll(stream, 5001 - part.size() + 1);
            assertThat(rest.get(rest.size() - 1).after().get(0)).isEqualTo(5001);
        }
    }

    private static int activePid(PostgresDatabase db, String slot) throws Exception {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getInt(1);
            }
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.PipelineContext;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.capture.Watermark;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testing.CaptureStreams;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the watermark is, with and without the PROCESS privilege. */
@ExtendWith(MariaDbExtension.class)
class MySqlCaptureWatermarkIT {

    @Test
    void staysBeforeTheStartOfAnOpenTransaction(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        MySqlCaptureDialect dialect = new MySqlCaptureDialect();
        try (Connection capture = db.connect(); Connection writer = db.connect()) {
            writer.setAutoCommit(false);
            Instant started;
            try (Statement s = writer.createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
                try (ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6))")) {
                    rs.next();
                    started = Instant.ofEpochSecond(rs.getLong(1));
                }
            }
            Thread.sleep(MySqlCaptureTrxView.REUSE_NANOS / 1_000_000 + 50);
            Watermark open = dialect.watermark(capture, Duration.ofMillis(5), Duration.ofMinutes(5));
            assertThat(open.exact()).isTrue();
            // INNODB_TRX shows whole seconds: the bound is the start rounded down, minus the margin
            assertThat(open.instant()).isBeforeOrEqualTo(started.truncatedTo(ChronoUnit.SECONDS).minusMillis(5));
            writer.rollback();
        }
    }

    @Test
    void withoutProcessFallsBackToTheSafetyWindowAndStillCaptures(MariaDbDatabase db) throws Exception {
        String user = "sluice_np_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.adminUser(), db.adminPassword());
                Statement s = admin.createStatement()) {
            s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'");
            try {
                s.execute("GRANT ALL ON `" + db.name() + "`.* TO '" + user + "'@'%'");
                db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect())
                        .connections(() -> DriverManager.getConnection(db.jdbcUrl(), user, "pw"), "no-PROCESS user")
                        .mode(Capture.TRIGGER).safetyWindow(Duration.ofMillis(300))
                        .pollInterval(Duration.ofMillis(10)).build();
                source.install();
                try (Connection plain = DriverManager.getConnection(db.jdbcUrl(), user, "pw")) {
                    Watermark w = new MySqlCaptureDialect().watermark(plain, Duration.ZERO, Duration.ofMinutes(5));
                    assertThat(w.exact()).isFalse();
                    assertThat(w.instant()).isBefore(Instant.now().minus(Duration.ofMinutes(4)));
                }
                db.execute("INSERT INTO t VALUES (1), (2)");
                try (ChangeStream stream = source.open(null, PipelineContext.of("np", Clock.systemUTC()))) {
                    List<ChangeEvent> events = CaptureStreams.pollCount(stream, 2, Duration.ofSeconds(30));
                    assertThat(events).extracting(e -> e.after().get(e.schema(), "id")).containsExactly(1, 2);
                }
            } finally {
                s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
            }
        }
    }
}

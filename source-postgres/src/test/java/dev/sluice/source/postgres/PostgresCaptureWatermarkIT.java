package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.capture.Watermark;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the watermark is, depending on what the capturing user can see of other sessions. */
@ExtendWith(PostgresExtension.class)
class PostgresCaptureWatermarkIT {

    private final PostgresCaptureDialect dialect = new PostgresCaptureDialect();

    @Test
    void staysBeforeTheStartOfAnOpenTransactionOfTheSameRole(PostgresDatabase db) throws Exception {
        try (Connection capture = db.connect(); Connection writer = db.connect()) {
            writer.setAutoCommit(false);
            Instant started;
            try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
                rs.next();
                started = rs.getObject(1, OffsetDateTime.class).toInstant();
            }
            Thread.sleep(30);
            Watermark open = dialect.watermark(capture, Duration.ofMillis(5), Duration.ofMinutes(5));
            assertThat(open.exact()).isTrue();
            assertThat(open.instant()).isEqualTo(started.minusMillis(5));
            writer.commit();
            Watermark closed = dialect.watermark(capture, Duration.ofMillis(5), Duration.ofMinutes(5));
            assertThat(closed.instant()).isAfter(started.plusMillis(20));
        }
    }

    @Test
    void fallsBackToTheSafetyWindowWhenAnotherRolesSessionIsHidden(PostgresDatabase db) throws Exception {
        try (Connection capture = db.connect(); Connection other = db.adminConnect()) {
            // the application user may not see the details of the superuser's session
            try (Statement s = other.createStatement()) {
                s.execute("SELECT 1");
            }
            Watermark watermark = dialect.watermark(capture, Duration.ZERO, Duration.ofMinutes(5));
            assertThat(watermark.exact()).isFalse();
            assertThat(watermark.instant()).isBefore(Instant.now().minus(Duration.ofMinutes(4)));
        }
    }
}

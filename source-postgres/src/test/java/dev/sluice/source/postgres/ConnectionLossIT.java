package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeStream;
import dev.sluice.RetriableException;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A server that goes away is noticed at once, not at the next status update. */
@ExtendWith(PostgresExtension.class)
class ConnectionLossIT {

    @Test
    void aClosedReplicationConnectionIsNoticedWithinSecondsNotAtTheNextStatusUpdate(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        try (TcpProxy proxy = new TcpProxy(db.host(), db.port())) {
            PostgresSource source = PostgresSource.builder()
                    .jdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name())
                    .user(db.user()).password(db.password()).snapshotMode(SnapshotMode.NEVER)
                    .statusInterval(Duration.ofSeconds(30)).build();
            try (ChangeStream stream = source.open(null, context(PgTests.uniqueName()))) {
                db.execute("INSERT INTO t VALUES (1)");
                assertThat(poll(stream, 1).get(0).after().get(0)).isEqualTo(1);

                proxy.cut(); // as a stopping server does: the connection ends, nothing more is sent
                long cut = System.nanoTime();
                RetriableException failure = null;
                while (failure == null && System.nanoTime() - cut < Duration.ofSeconds(40).toNanos()) {
                    try {
                        stream.poll(Duration.ofMillis(100));
                    } catch (RetriableException e) {
                        failure = e;
                    }
                }
                long noticedMillis = (System.nanoTime() - cut) / 1_000_000;
                assertThat(failure).as("the lost connection is reported").isNotNull();
                assertThat(noticedMillis).as("milliseconds until noticed").isLessThan(3_000);
            }
        }
    }
}

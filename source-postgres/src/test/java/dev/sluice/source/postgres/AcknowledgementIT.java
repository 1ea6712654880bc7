package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.awaitConfirmedFlush;
import static dev.sluice.source.postgres.PgTests.confirmedFlush;
import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The slot moves only on committed(), and a slot that is gone is a fatal error naming the fix. */
@ExtendWith(PostgresExtension.class)
class AcknowledgementIT {

    @Test
    void confirmedFlushLsnDoesNotMoveBeforeTheSinkFlushed(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER)
                .statusInterval(Duration.ofMillis(50)).build();
        PipelineContext context = context(PgTests.uniqueName());
        String slot = source.slotName(context);
        try (ChangeStream stream = source.open(null, context)) {
            long start = confirmedFlush(db, slot);
            for (int i = 1; i <= 5; i++) {
                db.execute("INSERT INTO t VALUES (" + i + ")");
            }
            List<ChangeEvent> events = poll(stream, 5);
            // keep polling for a while: status updates and keepalives flow, yet nothing was committed
            long until = System.nanoTime() + Duration.ofMillis(700).toNanos();
            while (System.nanoTime() < until) {
                stream.poll(Duration.ofMillis(50));
            }
            assertThat(confirmedFlush(db, slot)).as("before any commit").isEqualTo(start);

            PgOffset third = (PgOffset) events.get(2).offset();
            stream.committed(third);
            stream.poll(Duration.ofMillis(50));
            assertThat(awaitConfirmedFlush(db, slot, third.lsn())).isEqualTo(third.lsn());
            // the fourth and fifth transactions were not committed downstream: the slot still holds them
            assertThat(confirmedFlush(db, slot)).isLessThan(((PgOffset) events.get(3).offset()).lsn());

            Offset end = stream.position();
            stream.committed(end);
            stream.poll(Duration.ofMillis(50));
            assertThat(awaitConfirmedFlush(db, slot, ((PgOffset) end).lsn())).isEqualTo(((PgOffset) end).lsn());
        }
    }

    @Test
    void restartAfterTheSlotWasDroppedFailsAndNamesTheFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        PostgresSource source = source(db).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset committed;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("INSERT INTO t VALUES (1)");
            committed = poll(stream, 1).get(0).offset();
        }
        db.execute("SELECT pg_drop_replication_slot('" + source.slotName(context) + "')");

        assertThatThrownBy(() -> source.open(committed, context))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("replication slot " + source.slotName(context) + " does not exist")
                .hasMessageContaining("re-snapshot");
    }

    @Test
    void slotThatMovedPastTheStoredOffsetIsFatal(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        Offset first;
        try (ChangeStream stream = source.open(null, context)) {
            db.execute("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)");
            List<ChangeEvent> events = poll(stream, 2);
            first = events.get(0).offset();
            stream.committed(events.get(1).offset());
            stream.poll(Duration.ofMillis(50));
            awaitConfirmedFlush(db, source.slotName(context), ((PgOffset) events.get(1).offset()).lsn());
        }
        // an offset store restored from an older copy: the second insert is gone from the slot
        assertThatThrownBy(() -> source.open(first, context))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("past the pipeline's stored offset " + first.encode())
                .hasMessageContaining("re-snapshot");
    }
}

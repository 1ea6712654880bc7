package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A second process of the same pipeline (the same replica server id) stops at once instead of kicking the first. */
@ExtendWith(MariaDbExtension.class)
class SecondProcessIT {

    @Test
    void aSecondStreamWithTheSameServerIdStopsAndTheFirstKeepsStreaming(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource.Builder config = Streams.source(db).snapshotMode(SnapshotMode.NEVER);
        // two separate source objects, as two processes would have
        MySqlSource first = config.build();
        MySqlSource second = config.build();
        try (ChangeStream running = first.open(null, Streams.CONTEXT)) {
            assertThatThrownBy(() -> second.open(null, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("pipeline " + Streams.CONTEXT.pipelineName() + " is already running")
                    .hasMessageContaining("Fix: stop the other process first");
            db.execute("INSERT INTO t VALUES (1)");
            List<ChangeEvent> events = Streams.poll(running, 1);
            assertThat(events.get(0).after().get(0)).isEqualTo(1);
        }
        // once the first has stopped, the second may run
        try (ChangeStream next = second.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (2)");
            assertThat(Streams.poll(next, 1).get(0).after().get(0)).isEqualTo(2);
        }
    }

    @Test
    void theSameSourceReopeningTakesTheLockOverFromItsOwnUnclosedStream(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.NEVER).build();
        ChangeStream abandoned = source.open(null, Streams.CONTEXT); // as after a failure whose close did not reach
        try (ChangeStream reopened = source.open(null, Streams.CONTEXT)) {
            db.execute("INSERT INTO t VALUES (1)");
            assertThat(Streams.poll(reopened, 1).get(0).after().get(0)).isEqualTo(1);
        } finally {
            abandoned.close();
        }
    }
}

package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Polls are bounded in bytes as well as in events, in the snapshot and in the stream. */
@ExtendWith(PostgresExtension.class)
class BatchBytesIT {

    /** 3 MB of text per row: 20 rows are 60 MB of text (more as Java strings). */
    private static final int VALUE_CHARS = 3 << 20;
    private static final int ROWS = 20;

    @Test
    void pollsOfMegabyteValuesStayWithinTheByteBoundInSnapshotAndStream(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, v text)",
                "ALTER TABLE big ALTER COLUMN v SET STORAGE EXTERNAL",
                "INSERT INTO big SELECT g, repeat(chr(64 + g), " + VALUE_CHARS + ") FROM generate_series(1, " + ROWS
                        + ") g");
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            List<ChangeEvent> reads = pollBounded(stream, ROWS + 1);
            assertThat(reads.get(0).op()).isEqualTo(Op.TRUNCATE);
            assertRows(reads.subList(1, reads.size()), Op.READ, 0);

            db.execute("INSERT INTO big SELECT id + 100, v FROM big"); // one transaction of 60 MB
            assertRows(pollBounded(stream, ROWS), Op.INSERT, 100);
        }
    }

    /** Polls {@code count} events, checking that no poll returned more than the bound plus one event. */
    private static List<ChangeEvent> pollBounded(ChangeStream stream, int count) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            List<ChangeEvent> batch = stream.poll(Duration.ofMillis(500));
            long bytes = 0;
            long largest = 0;
            for (ChangeEvent event : batch) {
                bytes += event.estimatedSize();
                largest = Math.max(largest, event.estimatedSize());
            }
            assertThat(bytes).as("a poll of %d events", batch.size())
                    .isLessThan(PgChangeStream.MAX_BATCH_BYTES + largest);
            events.addAll(batch);
        }
        assertThat(events).hasSize(count);
        return events;
    }

    private static void assertRows(List<ChangeEvent> events, Op op, int idOffset) {
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            assertThat(event.op()).isEqualTo(op);
            int id = (Integer) event.after().get(0);
            assertThat(id).isEqualTo(idOffset + i + 1);
            String value = (String) event.after().get(1);
            assertThat(value).hasSize(VALUE_CHARS);
            assertThat(value.charAt(0)).isEqualTo((char) (64 + id - idOffset));
            assertThat(value.charAt(VALUE_CHARS - 1)).isEqualTo((char) (64 + id - idOffset));
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.testing.CaptureStreams;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A FLOAT is the float the server stores, read alike by the snapshot, the binlog and timestamp capture; the server's
 * text of a FLOAT has 6 significant digits (123456.789 prints as 123457), which the snapshot once read.
 */
@ExtendWith(MariaDbExtension.class)
class FloatExactIT {

    private static final String VALUES = "(%d, 123456.789), (%d, 16777217), (%d, 3.4028234e38), (%d, -1.17549435e-38)";
    private static final List<Float> EXPECTED = List.of(123456.789f, 16777217f, 3.4028234e38f, -1.17549435e-38f);

    @Test
    void snapshotAndStreamReadTheSameExactFloats(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, f float)", String.format("INSERT INTO t VALUES " + VALUES,
                1, 2, 3, 4));
        try (ChangeStream stream = Streams.source(db).build().open(null, Streams.CONTEXT)) {
            List<ChangeEvent> read = Streams.pollSnapshot(stream, 4);
            db.execute(String.format("INSERT INTO t VALUES " + VALUES, 11, 12, 13, 14));
            List<ChangeEvent> streamed = Streams.poll(stream, 4);
            assertThat(read).extracting(e -> e.after().values().get(1)).containsExactlyElementsOf(EXPECTED);
            assertThat(streamed).extracting(ChangeEvent::op).containsOnly(Op.INSERT);
            assertThat(streamed).extracting(e -> e.after().values().get(1)).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void timestampCaptureReadsTheExactFloats(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, f float, updated_at DATETIME(6) NOT NULL DEFAULT NOW(6))",
                String.format("INSERT INTO t (id, f) VALUES " + VALUES, 1, 2, 3, 4));
        JdbcCaptureSource source = JdbcCaptureSource.builder(new MySqlCaptureDialect()).connections(db.dataSource())
                .mode(Capture.TIMESTAMP).timestampColumn("updated_at").clockSkewMargin(Duration.ofMillis(20))
                .pollInterval(Duration.ofMillis(5)).build();
        try (ChangeStream stream = source.open(null, Streams.CONTEXT)) {
            List<ChangeEvent> events = CaptureStreams.pollCount(stream, 4, Duration.ofMinutes(1));
            assertThat(events).extracting(e -> e.row().get(e.schema(), "f")).containsExactlyElementsOf(EXPECTED);
        }
    }
}

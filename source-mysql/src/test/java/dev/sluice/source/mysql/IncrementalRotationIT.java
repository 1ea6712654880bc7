package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Binlog rotations during an incremental snapshot, on a MariaDB server of the test's own: a high watermark in the next
 * file is reached across the rotation, and on an idle server after a rotation (the stream's position past the new
 * file's header events) the read view's position does not count as behind the stream.
 */
class IncrementalRotationIT {

    @Test
    void snapshotCrossesBinlogRotationsInsideAndBetweenChunkWindows() throws Exception {
        assumeTrue(PrivateMariaDb.available(), "needs mariadbd and mariadb-install-db");
        try (PrivateMariaDb server = new PrivateMariaDb(81)) {
            StringBuilder rows = new StringBuilder("INSERT INTO shop.t VALUES (1)");
            IntStream.rangeClosed(2, 20).forEach(id -> rows.append(", (").append(id).append(")"));
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY)", rows.toString());
            MySqlSource source = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("root")
                    .tables(TableFilter.include("shop.*")).serverId(5081).keepAliveInterval(Duration.ofSeconds(1))
                    .snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(3).build();
            MySqlChangeStream stream = (MySqlChangeStream) source.open(null, Streams.CONTEXT);
            AtomicInteger reads = new AtomicInteger();
            stream.incremental().afterRead(() -> {
                try {
                    int read = reads.incrementAndGet();
                    if (read == 2) {
                        server.execute("FLUSH BINARY LOGS"); // inside the window: H is in the next file
                    } else if (read == 4) {
                        server.execute("INSERT INTO shop.t VALUES (100)", "FLUSH BINARY LOGS");
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<ChangeEvent> events;
            try {
                // between chunks, an idle stream reads past the new file's header events
                events = IncrementalKeysIT.pollUntilSnapshotDone(stream);
            } finally {
                stream.close();
            }
            List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, 20).mapToObj(id -> "READ:" + id).toList());
            expected.addAll(List.of("INSERT:100", "READ:100"));
            assertThat(events).filteredOn(e -> e.op() != Op.TRUNCATE).extracting(e -> e.op() + ":" + e.after().get(0))
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(((MySqlOffset) stream.position()).file()).endsWith(".000003");
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.ChangeEvent;
import dev.sluice.TableFilter;
import dev.sluice.capture.SnapshotMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A sink that holds the stream back longer than the server's {@code net_write_timeout}: the binlog connection stays
 * up (the source raises the timeout of its own replication session) and every row arrives, on a server of the
 * test's own whose global {@code net_write_timeout} is 2 s.
 */
class SlowSinkIT {

    private static final int ROWS = 300;

    @Test
    void aStallLongerThanTheServersWriteTimeoutKeepsTheConnectionAndLosesNothing() throws Exception {
        assumeTrue(PrivateMariaDb.available(), "needs mariadbd and mariadb-install-db");
        try (PrivateMariaDb server = new PrivateMariaDb(78, "--net-write-timeout=2")) {
            server.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id int PRIMARY KEY, payload mediumblob)");
            MySqlSource source = MySqlSource.builder().host("127.0.0.1").port(server.port()).user("root")
                    .tables(TableFilter.include("shop.*")).snapshotMode(SnapshotMode.NEVER).serverId(5002)
                    .keepAliveInterval(Duration.ofSeconds(2)).build();
            try (MySqlChangeStream stream = (MySqlChangeStream) source.open(null, Streams.CONTEXT)) {
                long connection = stream.binlogConnectionId();
                byte[] payload = new byte[200_000];
                try (Connection c = server.connect();
                        PreparedStatement ps = c.prepareStatement("INSERT INTO shop.t VALUES (?, ?)")) {
                    for (int i = 1; i <= ROWS; i++) {
                        payload[0] = (byte) i;
                        ps.setInt(1, i);
                        ps.setBytes(2, payload);
                        ps.execute();
                    }
                }
                Thread.sleep(8_000); // the sink is stalled: nobody polls, the queue is full, the server blocks
                List<ChangeEvent> events = Streams.poll(stream, ROWS);
                assertThat(events).extracting(e -> e.after().get(0))
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, ROWS).boxed().toList());
                assertThat(stream.binlogConnectionId()).as("the same binlog connection").isEqualTo(connection);
            }
        }
    }
}

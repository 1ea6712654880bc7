package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.protocol.command.QueryCommand;
import java.io.IOException;
import java.time.Duration;

/**
 * The connector library's client, which also raises {@code net_write_timeout} of its own replication session before
 * the binlog dump starts. While the sink is slow, the bounded queue fills and the reader stops reading the socket;
 * the server's dump thread then blocks writing, and with the server's default (60 s) it would cut the connection
 * and the stream would start over from the last committed offset, again and again under a steadily slow sink. The
 * session setting applies to this connection only, not to the server's other clients. Memory stays bounded: what
 * the reader does not take waits in the server's socket buffers.
 */
final class StallTolerantClient extends BinaryLogClient {

    private final long writeTimeoutSeconds;

    StallTolerantClient(String host, int port, String user, String password, Duration maxSinkStall) {
        super(host, port, user, password);
        this.writeTimeoutSeconds = Math.max(1, maxSinkStall.toSeconds());
    }

    @Override
    protected void setupConnection() throws IOException {
        super.setupConnection();
        channel.write(new QueryCommand("SET @@session.net_write_timeout = " + writeTimeoutSeconds));
        checkError(channel.read());
    }
}

package dev.sluice.source.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Over real loopback sockets: batching may only delay reads, never change what they return. */
class ReplicationSocketFactoryTest {

    private final ReplicationSocketFactory factory = new ReplicationSocketFactory();

    @Test
    void deliversEveryByteInOrderWhateverTheTiming() throws Exception {
        byte[] sent = new byte[3_000_000];
        Random random = new Random(42);
        random.nextBytes(sent);
        try (ServerSocket server = loopbackServer(); Socket client = connect(server)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
                    int at = 0;
                    while (at < sent.length) {
                        int n = Math.min(sent.length - at, 1 + random.nextInt(random.nextBoolean() ? 200 : 40_000));
                        out.write(sent, at, n);
                        at += n;
                        if (random.nextInt(50) == 0) {
                            Thread.sleep(random.nextInt(3));
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            while (received.size() < sent.length) {
                int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
                assertThat(n).isPositive();
                received.write(buffer, 0, n);
            }
            assertThatThrownBy(() -> in.read(buffer, 0, 1)).isInstanceOf(EOFException.class);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(received.toByteArray()).isEqualTo(sent);
        }
    }

    @Test
    void aReadWithNothingQueuedWaitsForTheDataAndThenTheEndIsAnError() throws Exception {
        try (ServerSocket server = loopbackServer(); Socket client = connect(server); Socket peer = server.accept()) {
            CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(100);
                    peer.getOutputStream().write(new byte[] {1, 2, 3});
                    peer.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] buffer = new byte[8192];
            InputStream in = client.getInputStream();
            assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(3);
            assertThat(buffer).startsWith(1, 2, 3);
            // pgjdbc's readPending takes -1 for "nothing yet": the end must be an error to be noticed at once
            assertThatThrownBy(() -> in.read(buffer, 0, buffer.length)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("closed the replication connection");
            assertThatThrownBy(in::read).isInstanceOf(EOFException.class);
            late.get(10, TimeUnit.SECONDS);
        }
    }

    private static ServerSocket loopbackServer() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private Socket connect(ServerSocket server) throws Exception {
        Socket socket = factory.createSocket(); // the way pgjdbc does it: create, then connect
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5_000);
        return socket;
    }
}

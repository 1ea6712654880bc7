package dev.sluice.sink.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the real S3 server, for fault injection without mocks: it can drop the next connections
 * as soon as they arrive, or go away entirely (refusing connections) and come back on the same port.
 */
final class FaultProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dropNext = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile ServerSocket server;

    FaultProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = first.getLocalPort();
        start(first);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * The next {@code count} connections are closed right after they are accepted. The open ones are closed now, so
     * that a client cannot go on with a connection from its pool instead of making new ones.
     */
    synchronized void dropNextConnections(int count) {
        dropNext.set(count);
        closeOpenConnections();
    }

    int connections() {
        return connections.get();
    }

    /** Closes the port and every open connection: the endpoint is unreachable until {@link #up()}. */
    synchronized void down() throws IOException {
        server.close();
        closeOpenConnections();
    }

    /** Listens again on the same port. */
    synchronized void up() throws IOException {
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        start(again);
    }

    private void start(ServerSocket socket) {
        server = socket;
        Thread accept = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        client.setSoLinger(true, 0); // a reset, as a crashed server or a broken network gives
                        client.close();
                        continue;
                    }
                    Socket upstream = new Socket(target.getAddress(), target.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed by down(), or one connection failed: keep accepting while open
                }
            }
        }, "fault-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // a side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "fault-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeOpenConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        down();
    }
}

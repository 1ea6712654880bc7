package dev.sluice.source.postgres.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Not API: public only because pgjdbc instantiates socket factories by class name (its {@code socketFactory}
 * property). The sockets of a PostgreSQL source's replication connection, which read the stream in batches
 * rather than a message at a time.
 *
 * <ul>
 *   <li>A read that finds nothing queued waits {@link #WAIT_NANOS} first, so that what the server sends meanwhile
 *       comes in the same read. Taking each message as it arrived cost the reader a wake-up and two system calls
 *       per message, and made the server wake the reader for each.
 *   <li>On a loopback connection the receive buffer is {@link #LOOPBACK_RECEIVE_BUFFER}. The walsender flushes
 *       its socket after every message, so while the client's receive window is open every message leaves as a
 *       TCP segment of its own, and over loopback the sending process also pays for receiving it. A window that
 *       fills while the reader waits makes the messages queue in the server's socket and leave in segments of
 *       kilobytes. Not across a network: there a small window would cap the stream at one window per round trip.
 * </ul>
 *
 * Waiting never loses or reorders bytes; it only delays a read, by at most {@link #WAIT_NANOS}. A read that finds
 * anything queued goes ahead at once, so a stream of large values, whose messages arrive in pieces, is not slowed.
 */
public final class ReplicationSocketFactory extends SocketFactory {

    /** The receive buffer asked for on loopback connections; the kernel doubles it for its bookkeeping. */
    static final int LOOPBACK_RECEIVE_BUFFER = 32 * 1024;
    /** Long enough for the server to fill the loopback window at the rates it reaches (see docs/benchmarks.md). */
    static final long WAIT_NANOS = 800_000;

    /** Called by pgjdbc. */
    public ReplicationSocketFactory() {
    }

    @Override
    public Socket createSocket() {
        return new BatchingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    private static Socket connected(SocketAddress remote, SocketAddress local) throws IOException {
        Socket socket = new BatchingSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static final class BatchingSocket extends Socket {

        private InputStream input;

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (endpoint instanceof InetSocketAddress address && address.getAddress() != null
                    && address.getAddress().isLoopbackAddress()) {
                setReceiveBufferSize(LOOPBACK_RECEIVE_BUFFER); // before connecting: it sets the window scale
            }
            super.connect(endpoint, timeout);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new BatchingInputStream(super.getInputStream());
            }
            return input;
        }
    }

    private static final class BatchingInputStream extends FilterInputStream {

        BatchingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len > 0 && in.available() == 0) {
                LockSupport.parkNanos(WAIT_NANOS);
            }
            return in.read(b, off, len);
        }
    }
}

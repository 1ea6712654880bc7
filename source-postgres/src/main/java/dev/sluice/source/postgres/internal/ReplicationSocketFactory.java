package dev.sluice.source.postgres.internal;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Not API: public only because pgjdbc instantiates socket factories by class name (its {@code socketFactory}
 * property). The sockets of a PostgreSQL source's replication connection, which read the stream in batches
 * rather than a message at a time.
 *
 * <p>A read that finds nothing queued waits {@link #WAIT_NANOS} before it blocks, so that what the server sends
 * meanwhile comes in the same read. pgjdbc otherwise takes each message as it arrives: with one-row transactions
 * that cost the reader a wake-up and two system calls per message, and a third to a half of its CPU.
 *
 * <p>A read that finds anything queued goes ahead at once: waiting for more there would stall a stream of large
 * values, whose messages arrive in pieces. Waiting never loses or reorders bytes; it only delays a read, by at
 * most {@link #WAIT_NANOS}.
 *
 * <p>The end of the stream is an error here: pgjdbc's check for a pending message ({@code readPending}) takes the
 * end of the stream for "nothing yet", so a server that stopped or restarted was noticed only when the next status
 * update failed to write (up to the status interval later). Thrown as an {@link EOFException}, it fails that check
 * at once, and the stream reports a lost connection within about a second.
 */
public final class ReplicationSocketFactory extends SocketFactory {

    /** Measured on one-row transactions: see docs/benchmarks.md. */
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
        return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(InetAddress.getByName(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host, port, null, 0);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = new BatchingSocket();
        try {
            if (localHost != null) {
                socket.bind(new InetSocketAddress(localHost, localPort));
            }
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static final class BatchingSocket extends Socket {

        private InputStream input;

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
            int read = in.read(b, off, len);
            if (read < 0) {
                throw closed();
            }
            return read;
        }

        @Override
        public int read() throws IOException {
            int read = in.read();
            if (read < 0) {
                throw closed();
            }
            return read;
        }

        private static EOFException closed() {
            return new EOFException("the server closed the replication connection (stopped, restarted, or ended"
                    + " the session)");
        }
    }
}

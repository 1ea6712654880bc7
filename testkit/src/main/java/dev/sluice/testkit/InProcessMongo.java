package dev.sluice.testkit;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * A mongo-java-server over memory with the oplog on (so change streams work), listening on a free
 * port of 127.0.0.1. One per test run: {@link MongoExtension} keeps it in the root
 * ExtensionContext's store, which closes it at the end. Thread-safe.
 */
final class InProcessMongo implements AutoCloseable {

    private final MongoBackend backend;
    private final MongoServer server;
    private final String connectionString;

    private InProcessMongo(MongoBackend backend, MongoServer server, InetSocketAddress address) {
        this.backend = backend;
        this.server = server;
        this.connectionString = "mongodb://127.0.0.1:" + address.getPort();
    }

    /** Starts a server; returns once it accepts connections. */
    static InProcessMongo start() {
        MongoBackend backend = new MemoryBackend();
        MongoServer server = new MongoServer(backend);
        server.enableOplog();
        server.bind("127.0.0.1", 0);
        return new InProcessMongo(backend, server, server.getLocalAddress());
    }

    String connectionString() {
        return connectionString;
    }

    /** Drops the database with all its collections; nothing happens if it does not exist. */
    void dropDatabase(String name) {
        backend.dropDatabase(name);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}

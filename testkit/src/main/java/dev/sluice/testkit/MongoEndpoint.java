package dev.sluice.testkit;

/**
 * A MongoDB wire-protocol endpoint and a database name of one test's own; handed out by
 * {@link MongoExtension}.
 *
 * <p>The server is mongo-java-server, in process and in memory, with its oplog on: collection
 * {@code watch()} change streams work (inserts, updates, deletes, resume tokens), but it is no real
 * mongod: update events lack {@code updateDescription}, there are no pre-images, no
 * database- or cluster-wide change streams and no transactions. Other databases on it belong to
 * other tests.
 *
 * <p>Lifecycle: the database is dropped when the test (or, for {@code @BeforeAll}, the class) ends.
 * Thread-safety: immutable.
 */
public final class MongoEndpoint {

    private final String connectionString;
    private final String database;

    MongoEndpoint(String connectionString, String database) {
        this.connectionString = connectionString;
        this.database = database;
    }

    /** {@return a connection string for the server, such as {@code mongodb://127.0.0.1:41234}, without a database} */
    public String connectionString() {
        return connectionString;
    }

    /** {@return the test's database, {@code sluice_t_<test class>_<random>}; empty until the test writes} */
    public String database() {
        return database;
    }

    @Override
    public String toString() {
        return "MongoEndpoint[" + database + " at " + connectionString + "]";
    }
}

package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

    private static final Set<String> testDatabases = ConcurrentHashMap.newKeySet();
    private static final Set<String> constructorDatabases = ConcurrentHashMap.newKeySet();
    private static String classDatabase;

    @BeforeAll
    static void classGetsItsOwnDatabase(PostgresDatabase db) {
        classDatabase = db.name();
    }

    @Test
    void applicationUserCreatesTableAndInserts(PostgresDatabase db) throws Exception {
        testDatabases.add(db.name());
        db.execute("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)",
                "INSERT INTO orders VALUES (1, 'apple'), (2, 'pear')");

        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user, current_database(), id, item FROM orders ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getInt(3) + "/" + rs.getString(4));
            }
            assertThat(rows).containsExactly(
                    "sluice/" + db.name() + "/1/apple",
                    "sluice/" + db.name() + "/2/pear");
        }
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/" + db.name());
        assertThat(db.name()).isNotEqualTo(classDatabase).startsWith("sluice_t_postgresextensionit_");
    }

    @Test
    void slotHeldByAnOpenReplicationStreamIsDroppedWithTheDatabase(PostgresDatabase db) throws Exception {
        testDatabases.add(db.name());
        db.execute("CREATE TABLE orders (id int PRIMARY KEY)", "CREATE PUBLICATION orders_pub FOR TABLE orders");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('orders_slot', 'pgoutput')");
        }
        // left open on purpose, as a test that forgets to close its source would: the extension
        // must terminate the walsender before it can drop the slot and the database
        PGReplicationStream stream = openReplicationStream(db);
        assertThat(stream.isClosed()).isFalse();
        try (Connection admin = db.adminConnect();
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user, active FROM pg_replication_slots WHERE slot_name = 'orders_slot'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("sluice_admin");
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    private static PGReplicationStream openReplicationStream(PostgresDatabase db) throws Exception {
        Properties p = new Properties();
        PGProperty.USER.set(p, db.user());
        PGProperty.PASSWORD.set(p, db.password());
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        Connection replication = DriverManager.getConnection(db.jdbcUrl(), p);
        return replication.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream().logical()
                .withSlotName("orders_slot")
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", "orders_pub")
                .start();
    }

    @Nested
    class ConstructorParameter {

        private final PostgresDatabase db;

        ConstructorParameter(PostgresDatabase db) {
            this.db = db;
        }

        @Test
        void getsADatabasePerTest() throws Exception {
            constructorDatabases.add(db.name());
            db.execute("CREATE TABLE t (id int)");
        }

        @Test
        void getsAnotherDatabasePerTest() throws Exception {
            constructorDatabases.add(db.name());
            db.execute("CREATE TABLE t (id int)");
        }
    }

    @AfterAll
    static void everyTestHadItsOwnDatabaseAndNoneIsLeft(PostgresDatabase db) throws Exception {
        assertThat(db.name()).isEqualTo(classDatabase);
        assertThat(testDatabases).hasSize(2).doesNotContain(classDatabase);
        assertThat(constructorDatabases).hasSize(2).doesNotContain(classDatabase)
                .doesNotContainAnyElementsOf(testDatabases);
        try (Connection admin = db.adminConnect()) {
            Set<String> all = new HashSet<>(testDatabases);
            all.addAll(constructorDatabases);
            Array names = admin.createArrayOf("text", all.toArray());
            Array classNames = admin.createArrayOf("text", new Object[] {classDatabase});
            assertThat(count(admin, "SELECT count(*) FROM pg_database WHERE datname = ANY (?)", classNames))
                    .as("the class's own database, still in use").isOne();
            assertThat(count(admin, "SELECT count(*) FROM pg_database WHERE datname = ANY (?)", names)).isZero();
            assertThat(count(admin, "SELECT count(*) FROM pg_replication_slots WHERE database = ANY (?)", names)).isZero();
        }
    }

    private static long count(Connection c, String sql, Array names) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class MariaDbExtensionIT {

    private static final Set<String> testDatabases = ConcurrentHashMap.newKeySet();
    private static String classDatabase;

    @BeforeAll
    static void classGetsItsOwnDatabase(MariaDbDatabase db) {
        classDatabase = db.name();
    }

    @Test
    void applicationUserCreatesTableAndInserts(MariaDbDatabase db) throws Exception {
        testDatabases.add(db.name());
        db.execute("CREATE TABLE orders (id int PRIMARY KEY, item varchar(20) NOT NULL)",
                "INSERT INTO orders VALUES (1, 'apple'), (2, 'pear')");

        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user(), database(), id, item FROM orders ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1).replaceAll("@.*", "") + "/" + rs.getString(2) + "/" + rs.getInt(3)
                        + "/" + rs.getString(4));
            }
            assertThat(rows).containsExactly(
                    "sluice/" + db.name() + "/1/apple",
                    "sluice/" + db.name() + "/2/pear");
        }
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/" + db.name());
        assertThat(db.name()).isNotEqualTo(classDatabase).startsWith("sluice_t_mariadbextensionit_");
    }

    @Test
    void applicationUserReadsTheBinlogPositionAndCreatesTriggers(MariaDbDatabase db) throws Exception {
        testDatabases.add(db.name());
        // a trigger with the binlog on needs log_bin_trust_function_creators (or SUPER)
        db.execute("CREATE TABLE orders (id int PRIMARY KEY)",
                "CREATE TABLE orders_log (id int, op char(1))",
                "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW "
                        + "INSERT INTO orders_log VALUES (NEW.id, 'I')",
                "INSERT INTO orders VALUES (7)");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).as("binlog position visible to the application user").isTrue();
                assertThat(rs.getString("File")).startsWith("mysql-bin.");
            }
            try (ResultSet rs = s.executeQuery("SELECT id, op FROM orders_log")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
                assertThat(rs.getString(2)).isEqualTo("I");
            }
        }
        // left open in a transaction on purpose: its metadata lock would block a plain DROP DATABASE
        Connection forgotten = db.connect();
        forgotten.setAutoCommit(false);
        try (Statement s = forgotten.createStatement()) {
            s.executeQuery("SELECT * FROM orders").close();
        }
    }

    @AfterAll
    static void everyTestHadItsOwnDatabaseAndNoneIsLeft(MariaDbDatabase db) throws Exception {
        assertThat(db.name()).isEqualTo(classDatabase);
        assertThat(testDatabases).hasSize(2).doesNotContain(classDatabase);
        try (Connection admin = db.adminConnect();
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata")) {
            List<String> existing = new ArrayList<>();
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
            assertThat(existing).contains(classDatabase).doesNotContainAnyElementsOf(testDatabases);
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class PreconditionsIT {

    @Test
    void refusesTheServersOwnServerIdNamingTheFix(MariaDbDatabase db) throws Exception {
        long serverId;
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@server_id")) {
            rs.next();
            serverId = rs.getLong(1);
        }
        MySqlSource source = Streams.source(db).serverId(serverId).build();
        assertThatThrownBy(() -> source.open(null, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("server_id").hasMessageContaining("Fix: give the source a unique serverId");
    }

    @Test
    void purgedPositionIsFatalAndNamesANewSnapshot(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        MySqlSource source = Streams.source(db).build();
        assertThatThrownBy(() -> source.open(source.decodeOffset("mysql:binlog:mysql-bin.999998:4:0"), Streams.CONTEXT))
                .isInstanceOf(FatalException.class).hasMessageContaining("mysql-bin.999998")
                .hasMessageContaining("purged").hasMessageContaining("new snapshot");
    }

    @Test
    void userWithoutReplicationRightsIsToldWhichGrantsToAdd(MariaDbDatabase db) throws Exception {
        String user = "sluice_t_norepl_" + ThreadLocalRandom.current().nextInt(1_000_000);
        try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'");
            s.execute("CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'pw'");
            s.execute("GRANT SELECT ON `" + db.name() + "`.* TO '" + user + "'@'%'");
            s.execute("GRANT SELECT ON `" + db.name() + "`.* TO '" + user + "'@'localhost'");
        }
        try {
            MySqlSource source = Streams.source(db).user(user).password("pw").build();
            assertThatThrownBy(() -> source.open(null, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                    .hasMessageContaining(user).hasMessageContaining("GRANT REPLICATION");
            assertThat(source.toString()).doesNotContain("pw]");
        } finally {
            try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
                s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
                s.execute("DROP USER IF EXISTS '" + user + "'@'localhost'");
            }
        }
    }
}

package dev.sluice.sink.jdbc;

import static dev.sluice.sink.jdbc.ApplyScenarios.ORDER;
import static dev.sluice.sink.jdbc.ApplyScenarios.ORDERS;
import static dev.sluice.sink.jdbc.ApplyScenarios.context;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** The sink on the application's own pool: it gives the connection back with the settings it found. */
final class PooledConnectionScenarios {

    private PooledConnectionScenarios() {}

    static void theApplicationsPooledConnectionComesBackWithItsOwnSettings(Db db) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.database.jdbcUrl());
        config.setUsername(db.database.user());
        config.setPassword(db.database.password());
        config.setMaximumPoolSize(1); // the sink and the application share the one connection
        // MariaDB: a pool that hands out connections outside autocommit. Not on PostgreSQL, where the pool's
        // rollback after its init SQL would undo the SET (settings are transactional there)
        boolean autoCommit = db.postgres;
        config.setAutoCommit(autoCommit);
        String settings = db.postgres ? "SELECT current_setting('TimeZone'), current_setting('DateStyle')"
                : "SELECT @@session.time_zone, @@session.sql_mode";
        config.setConnectionInitSql(db.postgres ? "SET TimeZone = 'Asia/Kolkata'"
                : "SET time_zone = '+05:30', sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            List<String> before = settings(pool, settings);
            JdbcSink sink = JdbcSink.builder().dataSource(pool).build();
            Events e = new Events(ORDERS, ORDER);
            sink.open(context("pooled"));
            try {
                sink.write(List.of(e.insert(1L, "a", 1)));
                sink.flush();
            } finally {
                sink.close();
            }
            assertThat(db.rows("SELECT id, name, qty FROM orders ORDER BY id")).containsExactly("1|a|1");
            assertThat(settings(pool, settings)).isEqualTo(before);
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.getAutoCommit()).isEqualTo(autoCommit);
            }
        }
    }

    private static List<String> settings(HikariDataSource pool, String query) throws Exception {
        try (Connection connection = pool.getConnection(); Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            List<String> values = List.of(rs.getString(1), rs.getString(2));
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return values;
        }
    }
}

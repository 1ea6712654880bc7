package dev.sluice.sink.jdbc;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A test database seen from the sink's tests: quoting, reading rows as text, killing the sink's connections. */
final class Db {

    final TestDatabase database;
    final boolean postgres;

    Db(TestDatabase database) {
        this.database = database;
        this.postgres = database instanceof PostgresDatabase;
    }

    JdbcSink.Builder sink() {
        return JdbcSink.builder().jdbcUrl(database.jdbcUrl()).user(database.user()).password(database.password());
    }

    String q(String name) {
        String quote = postgres ? "\"" : "`";
        return quote + name.replace(quote, quote + quote) + quote;
    }

    /** Every row of the query, each value as {@code getString} gives it (null as "null"), joined by '|'. */
    List<String> rows(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            if (!postgres) {
                statement.execute("SET time_zone = '+00:00'");
            }
            try (ResultSet rs = statement.executeQuery(sql)) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.append(i == 1 ? "" : "|").append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
                return rows;
            }
        }
    }

    /** The offset the sink's store holds for a pipeline, or null. */
    String offset(String pipeline) throws SQLException {
        try {
            List<String> rows = rows("SELECT encoded_offset FROM sluice_offsets WHERE pipeline_name = '"
                    + pipeline + "'");
            return rows.isEmpty() ? null : rows.get(0);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState())) {
                return null; // the store has not created its table yet
            }
            throw e;
        }
    }

    /** Cuts every connection of the application user to this database, as a crashed network would. */
    int killConnections() throws SQLException {
        int killed = 0;
        try (Connection admin = database.adminConnect(); Statement statement = admin.createStatement()) {
            if (postgres) {
                try (ResultSet rs = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE datname = '" + database.name() + "' AND usename = '" + database.user() + "'"
                        + " AND pid <> pg_backend_pid()")) {
                    while (rs.next()) {
                        killed++;
                    }
                }
            } else {
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery("SELECT id FROM information_schema.processlist"
                        + " WHERE db = '" + database.name() + "' AND user = '" + database.user() + "'")) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                for (long id : ids) {
                    statement.execute("KILL " + id);
                    killed++;
                }
            }
        }
        return killed;
    }
}

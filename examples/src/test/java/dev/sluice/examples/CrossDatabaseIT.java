package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Pipeline;
import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.sink.jdbc.JdbcSink;
import dev.sluice.source.mysql.MySqlSource;
import dev.sluice.source.postgres.PostgresSource;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JDBC sink fed by the real log sources, both ways: PostgreSQL → MariaDB and MariaDB → PostgreSQL. After a
 * snapshot, then inserts, updates (several to one key) and deletes, with a crash-free restart in between, the target
 * table equals the source table value by value.
 */
@ExtendWith({PostgresExtension.class, MariaDbExtension.class})
class CrossDatabaseIT {

    private static final String PG_COLUMNS = "id, name, price::text, to_char(at AT TIME ZONE 'UTC',"
            + " 'YYYY-MM-DD HH24:MI:SS.US'), to_char(local_at, 'YYYY-MM-DD HH24:MI:SS.US'), day::text,"
            // MariaDB's BOOLEAN is TINYINT(1), which its binlog cannot tell from a number: it arrives as 0 or 1
            + " CASE WHEN flag::text IN ('true', '1') THEN 'yes' WHEN flag::text IN ('false', '0') THEN 'no' END";
    private static final String MARIA_COLUMNS = "id, name, CAST(price AS CHAR), DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'),"
            + " DATE_FORMAT(local_at, '%Y-%m-%d %H:%i:%s.%f'), CAST(day AS CHAR),"
            + " CASE WHEN flag THEN 'yes' WHEN NOT flag THEN 'no' END";

    private static Pipeline pipeline(Source source, TestDatabase target, String name) {
        return Pipeline.builder()
                .name(name)
                .source(source)
                .sink(JdbcSink.builder().jdbcUrl(target.jdbcUrl()).user(target.user()).password(target.password())
                        .build())
                .commitInterval(Duration.ofMillis(200))
                .build();
    }

    private static List<List<String>> rows(TestDatabase db, String sql, String... setup) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (String s : setup) {
                statement.execute(s);
            }
            try (ResultSet rows = statement.executeQuery(sql)) {
                List<List<String>> result = new ArrayList<>();
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rows.getString(i));
                    }
                    result.add(row);
                }
                return result;
            }
        }
    }

    private static List<List<String>> postgresRows(PostgresDatabase pg, String table) throws SQLException {
        return rows(pg, "SELECT " + PG_COLUMNS + " FROM " + table + " ORDER BY id");
    }

    private static List<List<String>> mariaRows(MariaDbDatabase maria, String table) throws SQLException {
        return rows(maria, "SELECT " + MARIA_COLUMNS + " FROM " + table + " ORDER BY id", "SET time_zone = '+00:00'");
    }

    /** The same changes in either dialect: {@code %s} is the table. */
    private static final String[] CHANGES = {
        "UPDATE %s SET price = price + 1 WHERE id % 4 = 0",
        "UPDATE %s SET name = 'renamed ✓' WHERE id % 4 = 0",
        "DELETE FROM %s WHERE id % 7 = 0",
        "UPDATE %s SET flag = NULL, name = NULL WHERE id = 3",
    };

    private static void change(TestDatabase db, String table) throws SQLException {
        for (String sql : CHANGES) {
            db.execute(sql.replace("%s", table));
        }
    }

    @Test
    void postgresToMariaDb(PostgresDatabase pg, MariaDbDatabase maria) throws Exception {
        pg.execute("CREATE TABLE item (id int PRIMARY KEY, name text, price numeric(12,2), at timestamptz,"
                        + " local_at timestamp, day date, flag boolean)",
                "INSERT INTO item SELECT g, 'item ' || g || ' 🍐', g * 10.05, TIMESTAMPTZ '1969-12-31 23:00:00.123456+00'"
                        + " + g * interval '1 day 1 hour', TIMESTAMP '2026-03-29 02:30:00.5' + g * interval '1 min',"
                        + " DATE '1999-12-31' + g, g % 2 = 0 FROM generate_series(1, 200) g");
        Source source = PostgresSource.builder().jdbcUrl(pg.jdbcUrl()).user(pg.user()).password(pg.password())
                .tables(TableFilter.include("public.item")).build();

        assertThat(pipeline(source, maria, "pg-to-maria").runUntilCaughtUp().caughtUp()).isTrue();
        change(pg, "item");
        pg.execute("INSERT INTO item (id, name) VALUES (1000, 'late')");
        assertThat(pipeline(source, maria, "pg-to-maria").runUntilCaughtUp().caughtUp()).isTrue();

        List<List<String>> expected = postgresRows(pg, "item");
        assertThat(expected).hasSize(200 - 28 + 1);
        assertThat(mariaRows(maria, "item")).isEqualTo(expected);
    }

    @Test
    void mariaDbToPostgres(MariaDbDatabase maria, PostgresDatabase pg) throws Exception {
        maria.execute("CREATE TABLE item (id int PRIMARY KEY, name varchar(64), price decimal(12,2), at timestamp(6) NULL,"
                + " local_at datetime(6), day date, flag boolean)");
        StringBuilder insert = new StringBuilder("INSERT INTO item VALUES ");
        for (int g = 1; g <= 200; g++) {
            insert.append(g == 1 ? "" : ",").append("(").append(g).append(", 'item ").append(g).append(" 🍐', ")
                    .append(g).append(" * 10.05, FROM_UNIXTIME(86400 + ").append(g * 3600).append(".123456), ")
                    .append("'2026-03-29 02:30:00.5' + INTERVAL ").append(g).append(" MINUTE, ")
                    .append("'1999-12-31' + INTERVAL ").append(g).append(" DAY, ").append(g % 2 == 0).append(")");
        }
        maria.execute(insert.toString());
        Source source = MySqlSource.builder().jdbcUrl(maria.jdbcUrl()).user(maria.user()).password(maria.password())
                .tables(TableFilter.include(maria.name() + ".item")).build();

        assertThat(pipeline(source, pg, "maria-to-pg").runUntilCaughtUp().caughtUp()).isTrue();
        change(maria, "item");
        maria.execute("INSERT INTO item (id, name) VALUES (1000, 'late')");
        assertThat(pipeline(source, pg, "maria-to-pg").runUntilCaughtUp().caughtUp()).isTrue();

        List<List<String>> expected = mariaRows(maria, "item");
        assertThat(expected).hasSize(200 - 28 + 1);
        assertThat(postgresRows(pg, "item")).isEqualTo(expected);
    }
}

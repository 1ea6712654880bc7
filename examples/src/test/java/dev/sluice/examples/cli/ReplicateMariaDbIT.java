package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MariaDbExtension.class)
class ReplicateMariaDbIT {

    private static String[] replicate(MariaDbDatabase db, Path lake, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("replicate", "--source", "mysql",
                "--url", db.jdbcUrl(), "--user", db.user(), "--tables", db.name() + ".item",
                "--sink", "parquet", "--out", lake.toString(), "--pipeline", "cli-" + db.name(),
                "--max-retries", "0", "--until-caught-up"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void untilCaughtUpWritesWhatDuckDbReadsBackEqualToTheTable(MariaDbDatabase db, @TempDir Path lake)
            throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name varchar(40), price decimal(10,2), placed_at datetime(6))");
        StringBuilder rows = new StringBuilder("INSERT INTO item VALUES ");
        for (int i = 1; i <= 300; i++) {
            rows.append(i == 1 ? "" : ",").append("(").append(i).append(", 'item ").append(i).append(" ☕', ")
                    .append(i).append(".25, '2026-03-29 01:30:00.123456' + INTERVAL ").append(i).append(" HOUR)");
        }
        db.execute(rows.toString());
        Map<String, String> env = Map.of("SLUICE_PASSWORD", db.password());

        Run first = Run.of(env, replicate(db, lake));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("caught up: 301 events"); // the snapshot's truncate, then 300 rows

        db.execute("UPDATE item SET price = price + 1 WHERE id % 3 = 0", "DELETE FROM item WHERE id % 10 = 0",
                "INSERT INTO item VALUES (1000, NULL, NULL, NULL)");
        Run second = Run.of(env, replicate(db, lake));
        assertThat(second.exit()).as(second.err()).isZero();

        List<List<String>> expected;
        try (Connection connection = db.connect()) {
            expected = Lake.rows(connection, "SELECT id, name, price, DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:%s.%f')"
                    + " FROM item ORDER BY id");
        }
        assertThat(expected).hasSize(271);
        assertThat(Lake.currentRows(lake, db.name(), "item",
                "id, name, price, strftime(placed_at, '%Y-%m-%d %H:%M:%S.%f')", "id")).isEqualTo(expected);
    }

    @Test
    void aWrongPasswordIsOneLineThatSaysSo(MariaDbDatabase db, @TempDir Path lake) {
        Run run = Run.of(replicate(db, lake, "--password", "wrong"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.error()).startsWith("sluice: ").contains("password");
        assertThat(run.err()).doesNotContain("\tat ");
    }
}

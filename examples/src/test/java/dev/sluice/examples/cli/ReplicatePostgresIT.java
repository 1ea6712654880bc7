package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith({PostgresExtension.class, MariaDbExtension.class})
class ReplicatePostgresIT {

    private static String[] replicate(PostgresDatabase db, Path lake, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("replicate", "--source", "postgres",
                "--url", db.jdbcUrl(), "--user", db.user(), "--tables", "public.item",
                "--sink", "parquet", "--out", lake.toString(), "--pipeline", "cli-" + db.name(),
                "--commit-interval", "500ms", "--max-retries", "0"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void untilCaughtUpWritesWhatDuckDbReadsBackEqualToTheTable(PostgresDatabase db, @TempDir Path lake)
            throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text, price numeric(10,2), placed_at timestamptz)",
                "INSERT INTO item SELECT g, 'item ' || g || ' ☕', g * 1.25, TIMESTAMPTZ '2026-03-29 00:30:00+00'"
                        + " + g * interval '1 hour' FROM generate_series(1, 300) g");
        java.util.Map<String, String> env = java.util.Map.of("SLUICE_PASSWORD", db.password());

        Run first = Run.of(env, replicate(db, lake, "--until-caught-up"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("caught up: 301 events"); // the snapshot's truncate, then 300 rows

        db.execute("UPDATE item SET price = price + 1 WHERE id % 3 = 0", "DELETE FROM item WHERE id % 10 = 0",
                "INSERT INTO item VALUES (1000, NULL, NULL, NULL)");
        Run second = Run.of(env, replicate(db, lake, "--until-caught-up"));
        assertThat(second.exit()).as(second.err()).isZero();

        List<List<String>> expected;
        try (Connection connection = db.connect()) {
            expected = Lake.rows(connection, "SELECT id, name, price, (extract(epoch FROM placed_at) * 1000000)::bigint"
                    + " FROM item ORDER BY id");
        }
        assertThat(expected).hasSize(271);
        assertThat(Lake.currentRows(lake, "public", "item", "id, name, price, epoch_us(placed_at)", "id"))
                .isEqualTo(expected);
    }

    @Test
    void triggerCaptureInstallsReplicatesAndUninstalls(PostgresDatabase db, @TempDir Path lake) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, name text, price numeric(10,2), placed_at timestamptz)");
        java.util.Map<String, String> env = java.util.Map.of("SLUICE_PASSWORD", db.password());
        String[] source = {"--source", "postgres", "--url", db.jdbcUrl(), "--user", db.user(), "--tables",
                "public.item"};

        Run install = Run.of(env, concat(new String[] {"triggers", "install"}, source));
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.out()).contains("triggers installed on 1 tables", "public.item");
        db.execute("INSERT INTO item VALUES (1, 'food', 2.50, now()), (2, 'toys', 9.99, now())",
                "UPDATE item SET name = 'grocery' WHERE id = 1", "DELETE FROM item WHERE id = 2");

        Run run = Run.of(env, replicate(db, lake, "--capture", "trigger", "--until-caught-up"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Lake.currentRows(lake, "public", "item", "id, name, price", "id"))
                .containsExactly(List.of("1", "grocery", "2.50"));

        Run uninstall = Run.of(env, concat(new String[] {"triggers", "uninstall"}, source));
        assertThat(uninstall.exit()).as(uninstall.err()).isZero();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** The local PostgreSQL trusts every local login, so the wrong password goes to the MariaDB target. */
    @Test
    void aWrongPasswordIsOneLineThatSaysSo(PostgresDatabase db, MariaDbDatabase target) throws Exception {
        db.execute("CREATE TABLE item (id int PRIMARY KEY)");
        Run run = Run.of("replicate", "--source", "postgres", "--url", db.jdbcUrl(), "--user", db.user(),
                "--sink", "jdbc", "--target-url", target.jdbcUrl(), "--target-user", target.user(),
                "--target-password", "wrong", "--pipeline", "cli-" + db.name(), "--max-retries", "0",
                "--until-caught-up");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.error()).startsWith("sluice: ").containsIgnoringCase("password");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void aMissingTableIsNamed(PostgresDatabase db, @TempDir Path lake) {
        Run run = Run.of(java.util.Map.of("SLUICE_PASSWORD", db.password()), replicate(db, lake, "--until-caught-up"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.error()).startsWith("sluice: ").contains("public.item");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void aServerWithoutLogicalReplicationIsNamedWithTheFix(@TempDir Path data, @TempDir Path lake) throws Exception {
        try (EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(data)
                .setServerConfig("wal_level", "replica").start()) {
            try (Connection connection = server.getPostgresDatabase().getConnection()) {
                connection.createStatement().execute("CREATE TABLE item (id int PRIMARY KEY)");
            }
            Run run = Run.of("replicate", "--source", "postgres", "--url",
                    "jdbc:postgresql://localhost:" + server.getPort() + "/postgres", "--user", "postgres",
                    "--out", lake.toString(), "--max-retries", "0", "--until-caught-up");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.error()).startsWith("sluice: ").contains("wal_level");
            assertThat(run.err()).doesNotContain("\tat ");
        }
    }
}

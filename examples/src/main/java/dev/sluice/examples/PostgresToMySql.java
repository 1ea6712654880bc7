package dev.sluice.examples;

import dev.sluice.Pipeline;
import dev.sluice.TableFilter;
import dev.sluice.sink.jdbc.JdbcSink;
import dev.sluice.sink.jdbc.TableNaming;
import dev.sluice.source.postgres.PostgresSource;
import java.time.Duration;

/**
 * Keeps MySQL/MariaDB tables equal to PostgreSQL ones: upserts and deletes, tables created and columns added as
 * needed, the offset committed in the same transaction as the rows (exactly once). Runs until stopped.
 *
 * <pre>
 * PG_URL=… PG_USER=… PG_PASSWORD=… MYSQL_URL=jdbc:mariadb://replica:3306/shop MYSQL_USER=… MYSQL_PASSWORD=… \
 *   java -cp … dev.sluice.examples.PostgresToMySql
 * </pre>
 */
public final class PostgresToMySql {

    private PostgresToMySql() {}

    static Pipeline pipeline(String pgUrl, String pgUser, String pgPassword, String mysqlUrl, String mysqlUser,
            String mysqlPassword) {
        return Pipeline.builder()
                .name("postgres-to-mysql")
                .source(PostgresSource.builder().jdbcUrl(pgUrl).user(pgUser).password(pgPassword)
                        .tables(TableFilter.include("public.*"))
                        .build())
                .sink(JdbcSink.builder().jdbcUrl(mysqlUrl).user(mysqlUser).password(mysqlPassword)
                        .tableNaming(TableNaming.sameName())
                        .build())
                .commitInterval(Duration.ofSeconds(1))
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        Pipeline pipeline = pipeline(Env.required("PG_URL"), Env.required("PG_USER"), Env.get("PG_PASSWORD", ""),
                Env.required("MYSQL_URL"), Env.required("MYSQL_USER"), Env.get("MYSQL_PASSWORD", ""));
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination(Duration.ofDays(36500));
    }
}

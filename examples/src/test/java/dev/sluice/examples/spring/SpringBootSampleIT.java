package dev.sluice.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PipelineState;
import dev.sluice.spring.boot.SluicePipeline;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot sample with its own sluice-sample.yml, only the database and the folder given as arguments. */
@ExtendWith(PostgresExtension.class)
class SpringBootSampleIT {

    @Test
    void theSampleRunsItsPipelineFromTheYamlUntilTheApplicationStops(PostgresDatabase db, @TempDir Path lake)
            throws Exception {
        db.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)", "INSERT INTO customers VALUES (1, 'Ada')");
        SluicePipeline pipeline;
        try (ConfigurableApplicationContext context = SpringBootSample.run("--PG_URL=" + db.jdbcUrl(),
                "--PG_USER=" + db.user(), "--PG_PASSWORD=" + db.password(), "--LAKE=" + lake,
                "--spring.main.keep-alive=false", "--sluice.pipelines.shop-to-lake.commit-interval=200ms")) {
            pipeline = context.getBean(SluicePipeline.class);
            assertThat(pipeline.name()).isEqualTo("shop-to-lake");
            assertThat(pipeline.status().state()).isEqualTo(PipelineState.RUNNING);
            db.execute("INSERT INTO customers VALUES (2, 'Grace')");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pipeline.status().eventsWritten() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        // the application's stop closed the pipeline gracefully, committing what it had written
        assertThat(pipeline.status().state()).isEqualTo(PipelineState.CLOSED);
        assertThat(customers(lake)).containsExactly("1 Ada", "2 Grace");
    }

    /** The rows in the lake, read by DuckDB (a snapshot starts with a truncate marker, then reads each row). */
    private static List<String> customers(Path lake) throws Exception {
        String files = "read_parquet('" + lake.resolve("public").resolve("customers") + "/**/*.parquet')";
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, name FROM " + files
                        + " WHERE _op <> 't' ORDER BY _seq")) {
            List<String> result = new ArrayList<>();
            while (rows.next()) {
                result.add(rows.getInt(1) + " " + rows.getString(2));
            }
            return result;
        }
    }
}

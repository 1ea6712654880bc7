package dev.sluice.examples.spring;

import dev.sluice.Offset;
import dev.sluice.PipelineListener;
import dev.sluice.spring.boot.SluicePipelineCustomizer;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application that runs one pipeline, PostgreSQL to Parquet in a folder, declared in
 * {@code sluice-sample.yml} (this module's resources) and run by {@code sluice-spring-boot-starter}. The pipeline
 * starts with the application, which fails to start if the database cannot be reached, and closes gracefully when
 * it stops (Ctrl-C).
 *
 * <pre>
 * PG_URL=jdbc:postgresql://127.0.0.1:5432/shop PG_USER=cdc PG_PASSWORD=… LAKE=/tmp/lake \
 *   java -cp … dev.sluice.examples.spring.SpringBootSample
 * </pre>
 */
@SpringBootApplication
public class SpringBootSample {

    private static final Logger LOG = LoggerFactory.getLogger(SpringBootSample.class);

    public static void main(String[] args) {
        run(args);
    }

    /** Starts the application with {@code sluice-sample.yml}; arguments ({@code --name=value}) override it. */
    public static ConfigurableApplicationContext run(String... args) {
        SpringApplication application = new SpringApplication(SpringBootSample.class);
        application.setDefaultProperties(Map.of("spring.config.name", "sluice-sample"));
        return application.run(args);
    }

    /** What the properties cannot say goes through a customizer: here, a listener that logs each commit. */
    @Bean
    SluicePipelineCustomizer commitLog() {
        return (name, builder) -> builder.listener(new PipelineListener() {
            @Override
            public void onCommit(String pipeline, Offset offset, long events, Duration took) {
                if (events > 0) {
                    LOG.info("pipeline {}: {} events committed in {} ms", pipeline, events, took.toMillis());
                }
            }
        });
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class JulToSlf4jTest {

    @Test
    void theBinlogLibrarysJavaUtilLoggingGoesToSlf4jOnly() {
        JulToSlf4j.install();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logger.getLogger("com.github.shyiko.mysql.binlog.BinaryLogClient")
                    .log(Level.WARNING, "keepalive failed for {0}", "db:3306");
            Logger.getLogger("some.other.library").log(Level.FINE, "not ours");
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        // through slf4j-simple (the tests' format: level, short logger name), parameters filled in; not by JUL
        assertThat(text).contains("[WARN] BinaryLogClient - keepalive failed for db:3306")
                .doesNotContain("WARNING:");
    }
}

package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.Interval;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Builder checks, secrets kept out of toString, quoting and value text forms: no server needed. */
class JdbcSinkTest {

    @Test
    void builderNamesTheBadValueAndTheFix() {
        assertThatThrownBy(() -> JdbcSink.builder().jdbcUrl("postgresql://x")).hasMessageContaining("jdbc:");
        assertThatThrownBy(() -> JdbcSink.builder().batchSize(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> JdbcSink.builder().batchBytes(10)).hasMessageContaining("was 10");
        assertThatThrownBy(() -> JdbcSink.builder().offsetTable("a;drop")).hasMessageContaining("a;drop");
        assertThatThrownBy(() -> JdbcSink.builder().build()).hasMessageContaining("jdbcUrl(…) or dataSource(…)");
        assertThatThrownBy(() -> JdbcSink.builder().jdbcUrl("jdbc:postgresql://h/db").build())
                .hasMessageContaining("user(…)");
        assertThatThrownBy(() -> JdbcSink.builder().jdbcUrl("jdbc:sqlserver://h;databaseName=x"))
                .hasMessageContaining("jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:");
    }

    @Test
    void aMySqlUrlIsTakenByTheBundledDriverAndTrustAuthenticationNeedsNoPassword() {
        JdbcSink sink = JdbcSink.builder().jdbcUrl("jdbc:mysql://h:3306/db").user("u").build();
        assertThat(sink.toString()).contains("jdbc:mariadb://h:3306/db");
    }

    @Test
    void aMissingDriverIsFatalWithTheFix() {
        SQLException noDriver = new SQLException("No suitable driver", "08001");
        assertThat(Errors.classify("connect", noDriver)).isInstanceOf(FatalException.class)
                .hasMessageContaining("Fix: use a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL");
    }

    @Test
    void passwordsNeverShowInToString() {
        JdbcSink sink = JdbcSink.builder().jdbcUrl("jdbc:postgresql://h/db?user=u&password=hunter2")
                .user("u").password("s3cret").build();
        assertThat(sink.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("password=****");
    }

    @Test
    void identifiersAreQuotedPerDialectAndLongOnesRefused() {
        assertThat(new PostgresDialect().quoteName("My \"odd\" `name`")).isEqualTo("\"My \"\"odd\"\" `name`\"");
        assertThat(new MySqlDialect(true).quoteName("My \"odd\" `name`")).isEqualTo("`My \"odd\" ``name```");
        assertThatThrownBy(() -> new PostgresDialect().quoteName("é".repeat(32)))
                .isInstanceOf(FatalException.class).hasMessageContaining("TableNaming");
    }

    @Test
    void valueTextFormsKeepEveryPart() {
        assertThat(Values.pgInterval(new Interval(14, -3, 5))).isEqualTo("14 mons -3 days 5 microseconds");
        assertThat(Values.json(Arrays.asList(1, null, "a\"b", new BigDecimal("1.50"), true)))
                .isEqualTo("[1,null,\"a\\\"b\",1.50,true]");
        assertThat(Values.pgArray(Arrays.asList("x,y", null, "q\"\\"))).isEqualTo("{\"x,y\",NULL,\"q\\\"\\\\\"}");
    }

    @Test
    void aDecimalIsNeverRounded() {
        TargetColumn column = new TargetColumn("qty", "DECIMAL", 5, 1);
        assertThat(Values.fit(new BigDecimal("1234.50"), column, "qty")).isEqualTo(new BigDecimal("1234.5"));
        assertThatThrownBy(() -> Values.fit(new BigDecimal("1.25"), column, "qty")).isInstanceOf(FatalException.class);
        assertThatThrownBy(() -> Values.fit(new BigDecimal("12345"), column, "qty"))
                .isInstanceOf(FatalException.class);
    }
}

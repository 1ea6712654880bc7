package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableFilter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MySqlSourceBuilderTest {

    @Test
    void masksThePassword() {
        MySqlSource source = MySqlSource.builder().host("db").user("cdc").password("s3cret!")
                .tables(TableFilter.include("shop.*")).build();
        assertThat(source.toString()).doesNotContain("s3cret!").contains("****").contains("cdc@db:3306")
                .contains("shop.*");
    }

    @Test
    void rejectsBadValuesNamingThem() {
        MySqlSource.Builder b = MySqlSource.builder();
        assertThatThrownBy(() -> b.port(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.serverId(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.serverId(4_294_967_296L)).hasMessageContaining("4294967296");
        assertThatThrownBy(() -> b.keepAliveInterval(Duration.ofMillis(5))).hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> b.host(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.snapshotChunkSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshotChunkSize").hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.snapshotParallelism(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshotParallelism must be at least 1").hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.jdbcUrl("jdbc:postgresql://h/db")).hasMessageContaining("jdbc:postgresql://h/db");
        assertThatThrownBy(() -> MySqlSource.builder().user("u").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> MySqlSource.builder().host("h").build()).hasMessageContaining("user");
    }

    @Test
    void readsHostAndPortFromAJdbcUrl() {
        MySqlSource source = MySqlSource.builder().jdbcUrl("jdbc:mysql://db.internal:3307/shop?useSSL=false")
                .user("u").build();
        assertThat(source.address()).isEqualTo("db.internal:3307");
        assertThat(MySqlSource.builder().jdbcUrl("jdbc:mariadb://db").user("u").build().address())
                .isEqualTo("db:3306");
    }

    @Test
    void derivesAStableServerIdInAHighRangeFromThePipelineName() {
        MySqlSource source = MySqlSource.builder().host("h").user("u").build();
        long id = source.serverIdFor("orders-to-lake");
        assertThat(id).isEqualTo(source.serverIdFor("orders-to-lake")).isBetween(1_000_000_000L, 3_999_999_999L);
        assertThat(source.serverIdFor("orders-to-lake-2")).isNotEqualTo(id);
        assertThat(MySqlSource.builder().host("h").user("u").serverId(77).build().serverIdFor("x")).isEqualTo(77);
    }

    @Test
    void parsesEnumLabelsWithQuotes() {
        assertThat(InfoSchema.labels("enum('a','it''s','x,y','')")).containsExactly("a", "it's", "x,y", "");
        assertThat(Cells.timeMicros("-838:59:59.000001")).isEqualTo(-(838L * 3600 + 59 * 60 + 59) * 1_000_000L - 1);
        assertThat(Cells.timeMicros("12:00:00.5")).isEqualTo(12L * 3600 * 1_000_000L + 500_000);
    }

    @Test
    void trustedCertificatesMustBeAReadableFileAndTlsShowsInToString() {
        assertThatThrownBy(() -> MySqlSource.builder().trustedCertificates(Path.of("/no/such/ca.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.pem");
        assertThat(MySqlSource.builder().host("db").user("u").tls(TlsMode.VERIFY_IDENTITY).build().toString())
                .contains("TLS VERIFY_IDENTITY");
    }
}

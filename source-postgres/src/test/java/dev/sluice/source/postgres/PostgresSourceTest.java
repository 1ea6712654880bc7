package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresSourceTest {

    @Test
    void toStringMasksThePassword() {
        PostgresSource source = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db:5432/shop").user("cdc")
                .password("s3cret!").tables(TableFilter.include("public.*")).build();
        assertThat(source.toString()).doesNotContain("s3cret!").contains("password=****")
                .contains("jdbc:postgresql://db:5432/shop").contains("user=cdc").contains("public.*");
    }

    @Test
    void aPasswordInTheUrlIsMaskedToo() {
        PostgresSource source = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop?user=a&password=hunter2&ssl=true")
                .build();
        assertThat(source.toString()).doesNotContain("hunter2").contains("password=****&ssl=true");
    }

    @Test
    void hostAndDatabaseMakeTheUrl() {
        PostgresSource source = PostgresSource.builder().host("db").port(6543).database("shop").build();
        assertThat(source.jdbcUrl()).isEqualTo("jdbc:postgresql://db:6543/shop");
    }

    @Test
    void namesDeriveFromThePipelineUnlessSet() {
        PipelineContext context = PipelineContext.of("Shop-To.Lake", Clock.systemUTC());
        PostgresSource derived = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop").build();
        assertThat(derived.slotName(context)).matches("sluice_shop_to_lake_[0-9a-f]{8}");
        assertThat(derived.publicationName(context)).isEqualTo(derived.slotName(context));
        PipelineContext valid = PipelineContext.of("shop_to_lake", Clock.systemUTC());
        assertThat(derived.slotName(valid)).as("a valid name keeps its slot").isEqualTo("sluice_shop_to_lake");
        PostgresSource named = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop").slotName("my_slot")
                .publicationName("MyPub").build();
        assertThat(named.slotName(context)).isEqualTo("my_slot");
        assertThat(named.publicationName(context)).isEqualTo("MyPub");
    }

    @Test
    void pipelineNamesThatNormaliseAlikeGetDifferentSlotsAndPublications() {
        PostgresSource source = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop").build();
        String[] names = {"a-b.c", "a_b_c", "A_B_C", "a.b-c", "x".repeat(57), "x".repeat(58), "x".repeat(56),
            "a.b.c"};
        Set<String> slots = new HashSet<>();
        for (String name : names) {
            String slot = source.slotName(PipelineContext.of(name, Clock.systemUTC()));
            assertThat(slot).as(name).matches("[a-z0-9_]{1,63}");
            assertThat(slots.add(slot)).as("slot %s of %s is unique", slot, name).isTrue();
        }
        assertThat(source.slotName(PipelineContext.of("x".repeat(56), Clock.systemUTC())))
                .isEqualTo("sluice_" + "x".repeat(56));
    }

    @Test
    void settersRefuseBadValuesNamingThem() {
        PostgresSource.Builder builder = PostgresSource.builder();
        assertThatThrownBy(() -> builder.jdbcUrl("jdbc:mysql://db/x?password=hunter2"))
                .hasMessageContaining("jdbc:postgresql:").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> builder.port(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> builder.slotName("Bad-Slot")).hasMessageContaining("'Bad-Slot'");
        assertThatThrownBy(() -> builder.statusInterval(Duration.ZERO)).hasMessageContaining("statusInterval");
        assertThatThrownBy(() -> builder.heartbeatInterval(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> builder.user(" ")).hasMessageContaining("user must not be blank");
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> PostgresSource.builder().jdbcUrl("jdbc:postgresql://a/b").host("c").build())
                .hasMessageContaining("not both");
    }

    @Test
    void decodesItsOwnOffsetsAndRefusesOthers() {
        PostgresSource source = PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop").build();
        assertThat(source.decodeOffset("pg:lsn=0/16B3748,events=3")).isEqualTo(PgOffset.stream(0x16B3748L, 3));
        assertThatThrownBy(() -> source.decodeOffset("mysql:binlog.000001:4"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotParallelismBelowOneIsRefusedByName() {
        assertThatThrownBy(() -> PostgresSource.builder().snapshotParallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshotParallelism must be at least 1").hasMessageContaining("was 0");
        assertThat(PostgresSource.builder().jdbcUrl("jdbc:postgresql://db/shop").snapshotParallelism(4).build()
                .snapshotParallelism()).isEqualTo(4);
    }
}

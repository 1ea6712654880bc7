package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class MySqlKeyTypesTest {

    private static final MySqlDialect MARIADB = new MySqlDialect(true);

    private static List<String> types(Column... key) {
        return MySqlKeyTypes.of(List.of(key), "s.t", MARIADB);
    }

    @Test
    void aLoneStringKeyTakesTheWholeLimit() {
        assertThat(types(Column.of("a", Type.STRING))).containsExactly("VARCHAR(768)");
    }

    @Test
    void stringKeysWithoutDeclaredLengthShareWhatTheFixedColumnsLeave() {
        // 3072 - 144 (uuid as utf8mb4 CHAR(36)) - 8 (bigint) = 2920, shared by two: 1460 bytes = 365 characters
        assertThat(types(Column.of("a", Type.STRING), Column.of("u", Type.UUID), Column.of("n", Type.INT64),
                Column.of("b", Type.STRING))).containsExactly("VARCHAR(365)", "CHAR(36)", "BIGINT", "VARCHAR(365)");
    }

    @Test
    void declaredLengthsAreKeptAndTheRestShared() {
        assertThat(types(new Column("a", Type.STRING, false, "character varying(100)"), Column.of("h", Type.BYTES),
                new Column("c", Type.STRING, false, "char(10)"), new Column("b", Type.BYTES, false, "varbinary(16)")))
                .containsExactly("VARCHAR(100)", "VARBINARY(2616)", "VARCHAR(10)", "VARBINARY(16)");
    }

    @Test
    void arraysOfDeclaredTypesAreNotMistakenForADeclaredLength() {
        assertThat(types(new Column("a", Type.arrayOf(Type.STRING), false, "character varying(10)[]"),
                Column.of("b", Type.STRING))).containsExactly("VARCHAR(384)", "VARCHAR(384)");
    }

    @Test
    void declaredLengthsBeyondTheLimitStopNamingTheKey() {
        assertThatThrownBy(() -> types(new Column("a", Type.STRING, false, "varchar(700)"),
                new Column("b", Type.STRING, false, "varchar(100)")))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("primary key of s.t (a varchar(700), b varchar(100))")
                .hasMessageContaining("3200 bytes").hasMessageContaining("create the target table yourself");
    }

    @Test
    void decimalBytesFollowMySqlStorage() {
        assertThat(MySqlKeyTypes.decimalBytes(65, 30)).isEqualTo(30);
        assertThat(MySqlKeyTypes.decimalBytes(10, 2)).isEqualTo(5);
        assertThat(MySqlKeyTypes.decimalBytes(20, 0)).isEqualTo(9);
    }
}

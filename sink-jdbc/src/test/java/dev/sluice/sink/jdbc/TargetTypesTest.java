package dev.sluice.sink.jdbc;

import static dev.sluice.sink.jdbc.TargetTypes.Verdict.FITS;
import static dev.sluice.sink.jdbc.TargetTypes.Verdict.REFUSE;
import static dev.sluice.sink.jdbc.TargetTypes.Verdict.WIDEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.TableId;
import dev.sluice.Type;
import org.junit.jupiter.api.Test;

/** Target columns judged by their actual type; the table comment that records a table's source. */
class TargetTypesTest {

    private static final SqlDialect PG = SqlDialect.of(JdbcDialect.POSTGRESQL);
    private static final SqlDialect MARIADB = SqlDialect.of(JdbcDialect.MARIADB);

    private static TargetColumn column(String type) {
        return new TargetColumn("c", type, null, null);
    }

    private static TargetColumn decimal(int precision, int scale) {
        return new TargetColumn("c", "numeric", precision, scale);
    }

    @Test
    void aWiderOrEqualTargetColumnFits() {
        assertThat(TargetTypes.check(Type.INT16, column("integer"), PG)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.INT64, column("bigint"), PG)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.FLOAT32, column("double precision"), PG)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.decimal(5, 2), decimal(10, 4), PG)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.decimal(20, 0), column("bigint"), MARIADB)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.INT64, column("text"), PG)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.BOOLEAN, column("tinyint"), MARIADB)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.TIMESTAMP, column("datetime"), MARIADB)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.TIMESTAMP_TZ, column("timestamp"), MARIADB)).isEqualTo(FITS);
        assertThat(TargetTypes.check(Type.STRING, column("USER-DEFINED"), PG)).isEqualTo(FITS);
    }

    @Test
    void aNarrowerColumnOfTheSameKindIsWidened() {
        assertThat(TargetTypes.check(Type.INT64, column("integer"), PG)).isEqualTo(WIDEN);
        assertThat(TargetTypes.check(Type.INT32, column("smallint"), MARIADB)).isEqualTo(WIDEN);
        assertThat(TargetTypes.check(Type.FLOAT64, column("float"), MARIADB)).isEqualTo(WIDEN);
        assertThat(TargetTypes.check(Type.decimal(12, 4), decimal(5, 2), PG)).isEqualTo(WIDEN);
        assertThat(TargetTypes.check(Type.decimal(5, 3), decimal(5, 2), PG)).isEqualTo(WIDEN);
    }

    @Test
    void anotherKindIsRefused() {
        assertThat(TargetTypes.check(Type.STRING, column("integer"), PG)).isEqualTo(REFUSE);
        assertThat(TargetTypes.check(Type.decimal(10, 2), column("bigint"), PG)).isEqualTo(REFUSE);
        assertThat(TargetTypes.check(Type.DATE, column("timestamp without time zone"), PG)).isEqualTo(REFUSE);
        assertThat(TargetTypes.check(Type.TIMESTAMP_TZ, column("text"), PG)).isEqualTo(REFUSE);
        assertThat(TargetTypes.check(Type.BYTES, column("text"), PG)).isEqualTo(REFUSE);
        assertThat(TargetTypes.check(Type.INT64, column("date"), MARIADB)).isEqualTo(REFUSE);
    }

    @Test
    void theSourceMarkNamesTheCapturedTableEvenWithDotsInNames() {
        TableId table = TableId.of("a.b", "c.d");
        assertThat(SourceMark.parse(SourceMark.of(table))).isEqualTo(table);
        assertThat(SourceMark.parse("my own comment")).isNull();
        assertThat(SourceMark.parse("sluice source: x:y")).isNull();
        assertThat(SourceMark.parse(null)).isNull();
    }
}

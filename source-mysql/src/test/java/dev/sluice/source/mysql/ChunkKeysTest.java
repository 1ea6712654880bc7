package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Interval;
import dev.sluice.TableId;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkKeysTest {

    private static final TableId TABLE = TableId.of("shop", "t");

    private static ColumnSpec column(String name, MySqlType type, int precision, int scale, List<String> labels) {
        return new ColumnSpec(name, type, false, precision, scale,
                type == MySqlType.VARCHAR ? StandardCharsets.UTF_8 : null, labels, false);
    }

    @Test
    void compositeKeyConditionRangesOnTheFirstColumnAndCastsDecimals() {
        ChunkKeys keys = new ChunkKeys(TABLE, List.of(column("a", MySqlType.DECIMAL, 38, 20, List.of()),
                column("b`x", MySqlType.VARCHAR, 0, 0, List.of()), column("c", MySqlType.ENUM, 0, 0, List.of("x", "y"))));
        String d = "CAST(? AS DECIMAL(38,20))";
        assertThat(keys.after()).isEqualTo("`a` >= " + d + " AND (`a` > " + d + " OR `a` = " + d + " AND `b``x` > ?"
                + " OR `a` = " + d + " AND `b``x` = ? AND (`c` + 0) > ?)");
        assertThat(keys.orderBy()).isEqualTo("`a`, `b``x`, `c`");
        assertThat(keys.through()).isEqualTo("`a` <= " + d + " AND (`a` < " + d + " OR `a` = " + d
                + " AND `b``x` < ? OR `a` = " + d + " AND `b``x` = ? AND (`c` + 0) < ? OR `a` = " + d
                + " AND `b``x` = ? AND (`c` + 0) = ?)");
    }

    @Test
    void textFormsKeepEveryDigitAndFraction() {
        ChunkKeys keys = new ChunkKeys(TABLE, List.of(column("a", MySqlType.DECIMAL, 38, 20, List.of()),
                column("b", MySqlType.VARBINARY, 0, 0, List.of()), column("c", MySqlType.DATETIME, 6, 0, List.of()),
                column("d", MySqlType.TIMESTAMP, 6, 0, List.of()), column("e", MySqlType.TIME, 6, 0, List.of()),
                column("f", MySqlType.DATE, 0, 0, List.of()), column("g", MySqlType.BIGINT, 0, 0, List.of())));
        assertThat(keys.text(new Object[] {new BigDecimal("0.10000000000000000001"), new byte[] {0, (byte) 0xff},
                LocalDateTime.of(2024, 1, 1, 0, 0, 0, 1000), Instant.parse("2024-03-31T02:00:00.000001Z"),
                Interval.ofMicros(-(25L * 3600 + 61) * 1_000_000 - 5), LocalDate.of(1000, 1, 1), Long.MIN_VALUE}))
                .containsExactly("0.10000000000000000001", "00ff", "2024-01-01 00:00:00.000001",
                        "2024-03-31 02:00:00.000001", "-25:01:01.000005", "1000-01-01", "-9223372036854775808");
    }

    @Test
    void aReadViewBeforeTheStreamsPositionIsBehind() {
        MySqlOffset paused = MySqlOffset.binlog("bin.000002", 500, 0, null);
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000002", 499, 0, null), paused)).isTrue();
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000002", 500, 0, null), paused)).isFalse();
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000001", 900, 0, null), paused)).isTrue();
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000010", 4, 0, null), paused)).isFalse();
        // rows of the group at 500 were delivered: the view must contain that whole group
        MySqlOffset midGroup = MySqlOffset.binlog("bin.000002", 500, 3, null);
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000002", 500, 0, null), midGroup)).isTrue();
        assertThat(ChunkReader.before(MySqlOffset.binlog("bin.000002", 800, 0, null), midGroup)).isFalse();
    }
}

package dev.sluice.testing;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The rows of the end-to-end benchmark's {@code bench} table (module {@code benchmarks}, {@code PgFixture.ROW}) as
 * Java values, for the micro-benchmarks of every module: row {@code g} is {@code (g, g % 1000, g * 3, g * 0.5,
 * (g % 997) / 7.0, (g % 100000) / 100.00, md5(g), 'name-' || g, 2024-01-01T00:00:00Z + g s, g % 2 = 0)}. The
 * sources' benchmarks turn these values into their wire formats; core and the sink use them as they are.
 * Stateless.
 */
public final class BenchRows {

    public static final TableId TABLE = TableId.of("public", "bench");

    /** The column names, in table order. */
    public static final String[] NAMES = {"id", "i", "b", "d1", "d2", "amount", "s1", "s2", "ts", "flag"};

    /** bigint key, int, bigint, 2 doubles, numeric(12,2), 2 varchar(32), timestamptz, bool. */
    public static final Schema SCHEMA = Schema.builder()
            .column(Column.of("id", Type.INT64).notNull())
            .column("i", Type.INT32)
            .column("b", Type.INT64)
            .column("d1", Type.FLOAT64)
            .column("d2", Type.FLOAT64)
            .column("amount", Type.decimal(12, 2))
            .column("s1", Type.STRING)
            .column("s2", Type.STRING)
            .column("ts", Type.TIMESTAMP_TZ)
            .column("flag", Type.BOOLEAN)
            .key("id")
            .build();

    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    private BenchRows() {}

    /** The values of row {@code g}, aligned to {@link #SCHEMA}. */
    public static Object[] values(long g) {
        return new Object[] {
            g,
            (int) (g % 1000),
            g * 3,
            g * 0.5,
            (g % 997) / 7.0,
            BigDecimal.valueOf(g % 100_000, 2),
            md5(g),
            "name-" + g,
            EPOCH.plusSeconds(g),
            g % 2 == 0
        };
    }

    /** An insert of row {@code g}, committed at the row's own timestamp. */
    public static ChangeEvent insert(long g, Offset offset) {
        return ChangeEvent.builder(Op.INSERT, TABLE, SCHEMA)
                .after(Row.of(values(g)))
                .offset(offset)
                .commitTime(EPOCH.plusSeconds(g))
                .transactionId(Long.toString(1000 + g))
                .build();
    }

    /** The lower-case hex MD5 of the decimal text of {@code g}, as PostgreSQL's and MariaDB's {@code md5()}. */
    public static String md5(long g) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(Long.toString(g).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}

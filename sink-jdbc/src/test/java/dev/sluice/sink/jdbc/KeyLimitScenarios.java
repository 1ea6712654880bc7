package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Composite keys against the targets' key limits: InnoDB's 3072 bytes per key (utf8mb4 counting 4 bytes a
 * character) and PostgreSQL's btree entry of about 2700 bytes. Keys of the largest length a target takes round-trip
 * in 4-byte UTF-8; one character more stops the sink naming table, column and fix; nothing is truncated.
 */
final class KeyLimitScenarios {

    /** 😀: one character, four bytes in UTF-8. */
    private static final String WIDE = "\uD83D\uDE00";

    private KeyLimitScenarios() {}

    private static String wide(int characters) {
        return WIDE.repeat(characters);
    }

    /** Characters a target takes in each of two undeclared string key columns: 3072 / 2 / 4 on MariaDB. */
    private static int twoStringShare(Db db) {
        return db.postgres ? 300 : 384; // PostgreSQL: text, as long as the index entry stays small enough
    }

    static void twoStringKeyColumnsTakeTheirShareOfTheKeyLimit(Db db) throws Exception {
        Schema schema = Schema.builder()
                .column(Column.of("a", Type.STRING).notNull())
                .column(Column.of("b", Type.STRING).notNull())
                .column("v", Type.STRING)
                .key("a", "b")
                .build();
        int n = twoStringShare(db);
        Events e = new Events(TableId.of("src", "pairs"), schema);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("pairs"));
        try {
            sink.write(List.of(e.insert(wide(n), wide(n), "max"), e.insert("a", "b", "short"),
                    e.insert(wide(n), "b", "mixed")));
            sink.flush();
            if (!db.postgres) {
                assertThat(db.rows("SELECT column_name, column_type FROM information_schema.columns WHERE"
                        + " table_schema = DATABASE() AND table_name = 'pairs' ORDER BY ordinal_position"))
                        .containsExactly("a|varchar(384)", "b|varchar(384)", "v|longtext");
                // one character more than the column holds: refused with the fix, not truncated, not retried
                assertThatThrownBy(() -> sink.write(List.of(e.insert(wide(n + 1), "b", "too long"))))
                        .isInstanceOf(FatalException.class)
                        .hasMessageContaining("column 'a' of src.pairs")
                        .hasMessageContaining("385 characters").hasMessageContaining("384")
                        .hasMessageContaining("create the target table yourself");
            }
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT a, b, v FROM pairs ORDER BY v")).containsExactly(
                wide(n) + "|" + wide(n) + "|max", wide(n) + "|b|mixed", "a|b|short");
    }

    static void declaredLengthUuidAndIntKeyKeepsTheDeclaredLength(Db db) throws Exception {
        Schema schema = Schema.builder()
                .column(new Column("code", Type.STRING, false, db.postgres ? "character varying(100)" : "varchar(100)"))
                .column(Column.of("uid", Type.UUID).notNull())
                .column(Column.of("n", Type.INT32).notNull())
                .column("v", Type.STRING)
                .key("code", "uid", "n")
                .build();
        UUID uid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        Events e = new Events(TableId.of("src", "triples"), schema);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("triples"));
        try {
            sink.write(List.of(e.insert(wide(100), uid, Integer.MAX_VALUE, "max"),
                    e.insert("x", uid, Integer.MIN_VALUE, "min")));
            sink.flush();
            if (!db.postgres) {
                assertThat(db.rows("SELECT column_name, column_type FROM information_schema.columns WHERE"
                        + " table_schema = DATABASE() AND table_name = 'triples' ORDER BY ordinal_position"))
                        .containsExactly("code|varchar(100)", "uid|char(36)", "n|int(11)", "v|longtext");
                assertThatThrownBy(() -> sink.write(List.of(e.insert(wide(101), uid, 1, "too long"))))
                        .isInstanceOf(FatalException.class)
                        .hasMessageContaining("column 'code' of src.triples").hasMessageContaining("101 characters");
            }
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT code, uid, n, v FROM triples ORDER BY n")).containsExactly(
                "x|" + uid + "|" + Integer.MIN_VALUE + "|min",
                wide(100) + "|" + uid + "|" + Integer.MAX_VALUE + "|max");
    }

    static void binaryAndStringKeyShareTheLimitInBytes(Db db) throws Exception {
        Schema schema = Schema.builder()
                .column(Column.of("h", Type.BYTES).notNull())
                .column(Column.of("s", Type.STRING).notNull())
                .key("h", "s")
                .build();
        byte[] bytes = new byte[db.postgres ? 1000 : 1536];
        new Random(7).nextBytes(bytes);
        int chars = db.postgres ? 300 : 384;
        Events e = new Events(TableId.of("src", "hashes"), schema);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("hashes"));
        try {
            sink.write(List.of(e.insert(bytes, wide(chars))));
            sink.flush();
            if (!db.postgres) {
                assertThat(db.rows("SELECT column_name, column_type FROM information_schema.columns WHERE"
                        + " table_schema = DATABASE() AND table_name = 'hashes' ORDER BY ordinal_position"))
                        .containsExactly("h|varbinary(1536)", "s|varchar(384)");
                assertThatThrownBy(() -> sink.write(List.of(e.insert(new byte[1537], "s"))))
                        .isInstanceOf(FatalException.class)
                        .hasMessageContaining("column 'h' of src.hashes").hasMessageContaining("1537 bytes");
            }
        } finally {
            sink.close();
        }
        String hex = HexFormat.of().formatHex(bytes);
        assertThat(db.rows("SELECT " + (db.postgres ? "encode(h, 'hex')" : "hex(h)") + ", s FROM hashes"))
                .containsExactly((db.postgres ? hex : hex.toUpperCase(Locale.ROOT)) + "|" + wide(chars));
    }

    /** MariaDB: declared lengths that cannot fit together stop before creating the table; PostgreSQL takes them. */
    static void declaredKeyLengthsBeyondTheLimitStopWithTheFix(Db db) throws Exception {
        Schema schema = Schema.builder()
                .column(new Column("a", Type.STRING, false, "varchar(500)"))
                .column(new Column("b", Type.STRING, false, "varchar(500)"))
                .key("a", "b")
                .build();
        Events e = new Events(TableId.of("src", "wide_keys"), schema);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("wide-keys"));
        try {
            if (db.postgres) {
                sink.write(List.of(e.insert(wide(500), "b")));
                sink.flush();
            } else {
                assertThatThrownBy(() -> sink.write(List.of(e.insert("a", "b"))))
                        .isInstanceOf(FatalException.class)
                        .hasMessageContaining("primary key of src.wide_keys").hasMessageContaining("a varchar(500)")
                        .hasMessageContaining("4000 bytes").hasMessageContaining("3072")
                        .hasMessageContaining("create the target table yourself");
            }
        } finally {
            sink.close();
        }
        if (db.postgres) {
            assertThat(db.rows("SELECT a, b FROM wide_keys")).containsExactly(wide(500) + "|b");
        } else {
            assertThat(db.rows("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                    + " AND table_name = 'wide_keys'")).containsExactly("0");
        }
    }

    /** PostgreSQL: a key too large for a btree entry (incompressible, so compression cannot save it) stops. */
    static void aKeyTooLargeForThePostgresIndexStopsNamingTheColumn(Db db) throws Exception {
        Schema schema = Schema.builder()
                .column(Column.of("a", Type.STRING).notNull())
                .column(Column.of("b", Type.STRING).notNull())
                .key("a", "b")
                .build();
        Random random = new Random(11);
        StringBuilder noise = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            noise.appendCodePoint(0x4E00 + random.nextInt(0x5000)); // CJK: 3 bytes each, no repeats to compress
        }
        Events e = new Events(TableId.of("src", "huge_keys"), schema);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("huge-keys"));
        try {
            assertThatThrownBy(() -> {
                sink.write(List.of(e.insert("small", "b"), e.insert(noise.toString(), "b")));
                sink.flush();
            }).isInstanceOf(FatalException.class)
                    .hasMessageContaining("column 'a' of src.huge_keys").hasMessageContaining("6000 bytes")
                    .hasMessageContaining("primary key index").hasMessageContaining("Fix:");
        } finally {
            sink.close();
        }
    }
}

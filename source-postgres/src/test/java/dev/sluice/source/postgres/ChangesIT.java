package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Updates, deletes, truncates, unchanged TOAST values, numeric NaN and the pre-conditions. */
@ExtendWith(PostgresExtension.class)
class ChangesIT {

    @Test
    void streamsUpdatesDeletesAndTruncatesWithTheirImages(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2))",
                "CREATE TABLE full_items (id int PRIMARY KEY, name text)",
                "ALTER TABLE full_items REPLICA IDENTITY FULL",
                "INSERT INTO items VALUES (1, 'apple', 1.50), (2, 'pear', 2.00)",
                "INSERT INTO full_items VALUES (1, 'old')");
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            assertThat(poll(stream, 3)).extracting(ChangeEvent::op).containsOnly(Op.READ);
            db.execute("BEGIN; UPDATE items SET price = 1.75 WHERE id = 1; DELETE FROM items WHERE id = 2;"
                    + " UPDATE full_items SET name = 'new'; COMMIT",
                    "TRUNCATE items");
            List<ChangeEvent> events = poll(stream, 4);
            assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.UPDATE, Op.DELETE, Op.UPDATE, Op.TRUNCATE);

            ChangeEvent update = events.get(0);
            assertThat(update.before()).as("REPLICA IDENTITY DEFAULT sends no old row").isNull();
            assertThat(update.after()).isEqualTo(Row.of(1, "apple", new BigDecimal("1.75")));
            assertThat(events.get(1).before()).as("a delete carries the key").isEqualTo(Row.of(2, null, null));
            assertThat(events.get(2).before()).isEqualTo(Row.of(1, "old"));
            assertThat(events.get(2).after()).isEqualTo(Row.of(1, "new"));
            assertThat(events.get(3).table()).isEqualTo(TableId.of("public", "items"));

            // one transaction: same commit time and id, offsets counting up inside it
            assertThat(events.subList(0, 3)).extracting(ChangeEvent::transactionId).containsOnly(update.transactionId());
            assertThat(events.subList(0, 3)).extracting(e -> ((PgOffset) e.offset()).count()).containsExactly(1L, 2L, 3L);
            assertThat(events.get(3).offset().covers(events.get(2).offset())).isTrue();
        }
    }

    @Test
    void unchangedToastValueIsMarkedUnchangedOrTakenFromTheOldRow(PostgresDatabase db) throws Exception {
        String big = randomText(20_000); // incompressible, so it is stored out of line (TOAST)
        db.execute("CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
                "CREATE TABLE full_docs (id int PRIMARY KEY, title text, body text)",
                "ALTER TABLE full_docs REPLICA IDENTITY FULL");
        try (ChangeStream stream = source(db).snapshotMode(SnapshotMode.NEVER).build()
                .open(null, context(PgTests.uniqueName()))) {
            db.execute("INSERT INTO docs VALUES (1, 'a', '" + big + "')",
                    "INSERT INTO full_docs VALUES (1, 'a', '" + big + "')",
                    "UPDATE docs SET title = 'b'", "UPDATE full_docs SET title = 'b'");
            List<ChangeEvent> events = poll(stream, 4);

            ChangeEvent plain = events.get(2);
            assertThat(plain.op()).isEqualTo(Op.UPDATE);
            assertThat(plain.after().get(1)).isEqualTo("b");
            assertThat(plain.after().get(2)).as("absent, never a placeholder").isNull();
            assertThat(plain.isUnchanged(2)).isTrue();
            assertThat(plain.unchangedColumns()).containsExactly(2);

            ChangeEvent full = events.get(3);
            assertThat(full.after().get(2)).as("taken from the REPLICA IDENTITY FULL old row").isEqualTo(big);
            assertThat(full.hasUnchanged()).isFalse();
        }
    }

    @Test
    void numericNaNFailsByDefaultNamingColumnAndFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE m (id int PRIMARY KEY, v numeric)", "INSERT INTO m VALUES (1, 'NaN')");
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            assertThatThrownBy(() -> poll(stream, 1))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("column public.m.v holds the numeric value NaN")
                    .hasMessageContaining("numericMode(NumericMode.TEXT)");
        }
    }

    @Test
    void numericTextModeCarriesNaNAndInfinityExactly(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE m (id int PRIMARY KEY, v numeric(12,3), w numeric[])",
                "INSERT INTO m VALUES (1, 'NaN', '{Infinity,1.50}')");
        try (ChangeStream stream = source(db).numericMode(NumericMode.TEXT).build()
                .open(null, context(PgTests.uniqueName()))) {
            ChangeEvent read = poll(stream, 1).get(0);
            db.execute("INSERT INTO m VALUES (2, 'NaN', '{-Infinity,NULL}'), (3, 12.5, NULL)");
            List<ChangeEvent> inserts = poll(stream, 2);
            assertThat(read.schema().column(1).type()).isEqualTo(Type.STRING);
            assertThat(read.schema().column(2).type()).isEqualTo(Type.arrayOf(Type.STRING));
            assertThat(read.after()).isEqualTo(Row.of(1, "NaN", List.of("Infinity", "1.50")));
            assertThat(inserts.get(0).after()).isEqualTo(Row.of(2, "NaN", Arrays.asList("-Infinity", null)));
            assertThat(inserts.get(1).after()).isEqualTo(Row.of(3, "12.500", null));
        }
    }

    @Test
    void tableWithoutKeyOrFullIdentityIsRefusedNamingTheFix(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE keyed (id int PRIMARY KEY)", "CREATE TABLE loose (a int, b text)");
        PostgresSource source = source(db).build();
        assertThatThrownBy(() -> source.open(null, context(PgTests.uniqueName())))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("table public.loose has no primary key and REPLICA IDENTITY DEFAULT")
                .hasMessageContaining("ALTER TABLE \"public\".\"loose\" REPLICA IDENTITY FULL");

        // leaving it out, or following the advice, works
        try (ChangeStream stream = source(db).tables(TableFilter.all().exclude("public.loose")).build()
                .open(null, context(PgTests.uniqueName()))) {
            assertThat(stream.head()).isNotNull();
        }
        db.execute("ALTER TABLE loose REPLICA IDENTITY FULL", "INSERT INTO loose VALUES (1, 'x')");
        try (ChangeStream stream = source.open(null, context(PgTests.uniqueName()))) {
            ChangeEvent read = poll(stream, 1).get(0);
            assertThat(read.after()).isEqualTo(Row.of(1, "x"));
            assertThat(read.schema().hasKey()).isFalse();
        }
    }

    @Test
    void roleWithoutReplicationIsRefusedNamingTheFix(PostgresDatabase db) throws Exception {
        String role = "sluice_norepl_" + Long.toHexString(System.nanoTime());
        try (var admin = db.adminConnect(); var s = admin.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
        }
        try {
            db.execute("CREATE TABLE t (id int PRIMARY KEY)");
            PostgresSource source = PostgresSource.builder().jdbcUrl(db.jdbcUrl()).user(role).password("pw").build();
            assertThatThrownBy(() -> source.open(null, context(PgTests.uniqueName())))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("user " + role + " may not use replication slots")
                    .hasMessageContaining("ALTER ROLE \"" + role + "\" REPLICATION");
        } finally {
            try (var admin = db.adminConnect(); var s = admin.createStatement()) {
                s.execute("DROP ROLE " + role);
            }
        }
    }

    private static String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        java.util.Random random = new java.util.Random(42);
        while (text.length() < length) {
            text.append(UUID.nameUUIDFromBytes(Arrays.copyOf(new byte[] {(byte) random.nextInt()}, 4)))
                    .append(Long.toString(random.nextLong(), 36));
        }
        return text.substring(0, length);
    }
}

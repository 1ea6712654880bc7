package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.util.List;

/**
 * A column that leaves the events' schema (the source dropped or renamed it) while its target column is NOT NULL
 * without a default: later inserts must not fail. The sink lets the column hold NULL and keeps its old values; with
 * evolveSchema(false) it stops naming the columns and the fix. A NOT NULL column with a default is left alone.
 */
final class DroppedColumnScenarios {

    private static final Schema V1 = Schema.builder()
            .column(Column.of("id", Type.INT32).notNull())
            .column(Column.of("name", Type.STRING).notNull())
            .column(Column.of("note", Type.STRING).notNull())
            .key("id")
            .build();
    /** {@code note} dropped and {@code name} renamed to {@code title}. */
    private static final Schema V2 = Schema.builder()
            .column(Column.of("id", Type.INT32).notNull())
            .column("title", Type.STRING)
            .key("id")
            .build();

    private DroppedColumnScenarios() {}

    /** The target as a hand-made table would have it: the non-key columns NOT NULL, one more with a default. */
    private static void makeTarget(Db db) throws Exception {
        db.database.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, note "
                + (db.postgres ? "TEXT" : "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin") + " NOT NULL,"
                + " kind VARCHAR(10) NOT NULL DEFAULT 'person')");
    }

    private static List<String> nullability(Db db) throws Exception {
        return db.rows("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = "
                + (db.postgres ? "current_schema()" : "DATABASE()") + " AND table_name = 'people'"
                + " ORDER BY ordinal_position");
    }

    private static List<String> collations(Db db) throws Exception {
        return db.rows("SELECT column_type, collation_name FROM information_schema.columns WHERE"
                + " table_schema = DATABASE() AND table_name = 'people' AND column_name IN ('name', 'note')"
                + " ORDER BY ordinal_position");
    }

    static void droppedAndRenamedColumnsBecomeNullableAndLaterInsertsLand(Db db) throws Exception {
        makeTarget(db);
        List<String> typesBefore = db.postgres ? List.of() : collations(db);
        Events e = new Events(TableId.of("src", "people"), V1);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("people"));
        try {
            sink.write(List.of(e.insert(1, "Ann", "first")));
            sink.flush();
            e.schema(V2);
            sink.write(List.of(e.insert(2, "Bob"), e.update(1, "Ann B.")));
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, name, note, kind, title FROM people ORDER BY id"))
                .containsExactly("1|Ann|first|person|Ann B.", "2|null|null|person|Bob");
        assertThat(nullability(db)).containsExactly("id|NO", "name|YES", "note|YES", "kind|NO", "title|YES");
        if (!db.postgres) {
            // MODIFY restated the columns: type, character set and collation kept
            assertThat(collations(db)).isEqualTo(typesBefore).contains("longtext|utf8mb4_bin");
        }
    }

    static void withoutSchemaEvolutionADroppedNotNullColumnStopsWithTheFix(Db db) throws Exception {
        makeTarget(db);
        Events e = new Events(TableId.of("src", "people"), V1);
        JdbcSink sink = db.sink().evolveSchema(false).build();
        sink.open(ApplyScenarios.context("people-fixed"));
        try {
            sink.write(List.of(e.insert(1, "Ann", "first")));
            sink.flush();
            Schema v3 = Schema.builder()
                    .column(Column.of("id", Type.INT32).notNull())
                    .column(Column.of("name", Type.STRING).notNull())
                    .key("id")
                    .build();
            e.schema(v3);
            assertThatThrownBy(() -> sink.write(List.of(e.insert(2, "Bob"))))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("[note]").hasMessageContaining("NOT NULL without a default")
                    .hasMessageContaining("src.people").hasMessageContaining("evolveSchema(true)");
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, name, note FROM people")).containsExactly("1|Ann|first");
    }
}

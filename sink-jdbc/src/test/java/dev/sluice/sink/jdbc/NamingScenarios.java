package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.TableId;
import java.util.List;

/** Same-named tables of different schemas: never merged into one target table. */
final class NamingScenarios {

    private NamingScenarios() {}

    static void sameNamedTablesOfTwoSchemasAreRefusedNotMerged(Db db) throws Exception {
        Events s1 = new Events(TableId.of("s1", "same"), ApplyScenarios.ORDER);
        Events s2 = new Events(TableId.of("s2", "same"), ApplyScenarios.ORDER);
        JdbcSink sink = db.sink().build();
        sink.open(ApplyScenarios.context("same-a"));
        try {
            sink.write(List.of(s1.insert(1L, "from s1", 1)));
            assertThatThrownBy(() -> sink.write(List.of(s2.insert(1L, "from s2", 2))))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("s1.same").hasMessageContaining("s2.same")
                    .hasMessageContaining("sameName()").hasMessageContaining("namespaceAndName()");
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, name FROM same")).containsExactly("1|from s1");

        // a later run that only sees s2.same still finds the table the sink created for s1.same
        JdbcSink later = db.sink().build();
        later.open(ApplyScenarios.context("same-b"));
        try {
            assertThatThrownBy(() -> later.write(List.of(s2.insert(1L, "from s2", 2))))
                    .isInstanceOf(FatalException.class)
                    .hasMessageContaining("s1.same").hasMessageContaining("s2.same")
                    .hasMessageContaining("table comment");
        } finally {
            later.close();
        }
        assertThat(db.rows("SELECT id, name FROM same")).containsExactly("1|from s1");
    }

    static void namespaceAndNameKeepsSameNamedTablesApart(Db db) throws Exception {
        Events s1 = new Events(TableId.of("s1", "same"), ApplyScenarios.ORDER);
        Events s2 = new Events(TableId.of("s2", "same"), ApplyScenarios.ORDER);
        JdbcSink sink = db.sink().tableNaming(TableNaming.namespaceAndName()).build();
        sink.open(ApplyScenarios.context("apart"));
        try {
            sink.write(List.of(s1.insert(1L, "from s1", 1), s2.insert(1L, "from s2", 2), s1.update(1L, "s1 again", 3)));
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, name, qty FROM s1_same")).containsExactly("1|s1 again|3");
        assertThat(db.rows("SELECT id, name, qty FROM s2_same")).containsExactly("1|from s2|2");
    }
}

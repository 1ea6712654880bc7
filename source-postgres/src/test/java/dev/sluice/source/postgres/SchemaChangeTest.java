package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which column changes can change rows no event mentions. */
class SchemaChangeTest {

    private static final int INT4 = 23;
    private static final int INT8 = 20;
    private static final int NUMERIC = 1700;

    /** Columns as name, type OID, typmod triples. */
    private static SchemaChange.Shape shape(Object... triples) {
        List<RelationInfo.ColumnDef> columns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            columns.add(new RelationInfo.ColumnDef((String) triples[i], (int) triples[i + 1], (int) triples[i + 2]));
            names.add("type" + triples[i + 1] + "(" + triples[i + 2] + ")");
        }
        return new SchemaChange.Shape(columns, names);
    }

    @Test
    void sameColumnsAreNoChange() {
        assertThat(SchemaChange.between(shape("id", INT4, -1, "n", INT4, -1), shape("id", INT4, -1, "n", INT4, -1)))
                .isNull();
    }

    @Test
    void aDroppedColumnAloneIsNoChange() {
        assertThat(SchemaChange.between(shape("id", INT4, -1, "n", INT4, -1), shape("id", INT4, -1))).isNull();
    }

    @Test
    void aRenameIsAColumnAdded() {
        assertThat(SchemaChange.between(shape("id", INT4, -1, "c", INT4, -1), shape("id", INT4, -1, "c2", INT4, -1)))
                .isEqualTo("column c2 added or renamed");
    }

    @Test
    void anAddedColumnCountsWhateverItsDefault() {
        assertThat(SchemaChange.between(shape("id", INT4, -1), shape("id", INT4, -1, "x", INT4, -1)))
                .isEqualTo("column x added or renamed");
    }

    @Test
    void aTypeOrModifierChangeCountsAndNamesBothTypes() {
        assertThat(SchemaChange.between(shape("id", INT4, -1), shape("id", INT8, -1)))
                .isEqualTo("column id changed type from type23(-1) to type20(-1)");
        assertThat(SchemaChange.between(shape("p", NUMERIC, 655366), shape("p", NUMERIC, 655365)))
                .isEqualTo("column p changed type from type1700(655366) to type1700(655365)");
    }

    @Test
    void aReorderOfTheSameColumnsIsNoChange() {
        assertThat(SchemaChange.between(shape("a", INT4, -1, "b", INT4, -1), shape("b", INT4, -1, "a", INT4, -1)))
                .isNull();
    }
}

package dev.sluice.source.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two versions of a table's columns (from Relation messages, a snapshot or the catalog) and says whether
 * rows that no event mentions may now hold other values in the source than in the sinks.
 */
final class SchemaChange {

    /** A table's columns in order, with their types' names for messages. */
    record Shape(List<RelationInfo.ColumnDef> columns, List<String> typeNames) {
        Shape {
            columns = List.copyOf(columns);
            typeNames = List.copyOf(typeNames);
        }

        /** Same columns, types and modifiers, in the same order (type names aside). */
        boolean sameColumns(Shape other) {
            return columns.equals(other.columns);
        }
    }

    private SchemaChange() {}

    /**
     * What changed in a way that can change existing rows' values, or null if nothing did. Columns are told apart
     * by name: a renamed column is a column added (the new name) and one dropped (the old), and an added column
     * always counts, whatever its default: the server may fill existing rows with a constant default
     * ({@code atthasmissing}) or rewrite them with a volatile one, and a later rewrite or {@code DROP DEFAULT}
     * erases the traces in the catalog, so "existing rows hold NULL" cannot be proven from the catalog afterwards.
     * A type change counts when the type or its modifier changed ({@code numeric(10,2)} to {@code numeric(10,1)}
     * rounds every value). A dropped column alone does not count.
     */
    static String between(Shape before, Shape after) {
        Map<String, Integer> old = new HashMap<>();
        for (int i = 0; i < before.columns().size(); i++) {
            old.put(before.columns().get(i).name(), i);
        }
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < after.columns().size(); i++) {
            RelationInfo.ColumnDef column = after.columns().get(i);
            Integer was = old.get(column.name());
            if (was == null) {
                changes.add("column " + column.name() + " added or renamed");
                continue;
            }
            RelationInfo.ColumnDef previous = before.columns().get(was);
            if (previous.typeOid() != column.typeOid() || previous.typmod() != column.typmod()) {
                changes.add("column " + column.name() + " changed type from " + before.typeNames().get(was)
                        + " to " + after.typeNames().get(i));
            }
        }
        return changes.isEmpty() ? null : String.join(", ", changes);
    }
}

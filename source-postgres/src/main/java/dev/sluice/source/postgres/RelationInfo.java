package dev.sluice.source.postgres;

import dev.sluice.Column;
import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One version of a captured table: its id, its core schema and the parser of each column's text form. Built the
 * same way from a snapshot's catalog query and from a pgoutput Relation message, so snapshot and stream events of
 * an unchanged table carry equal schemas.
 */
final class RelationInfo {

    /** A column as the server describes it. */
    record ColumnDef(String name, int typeOid, int typmod) {}

    final TableId table;
    final Schema schema;
    final PgType[] types;
    final String[] qualifiedNames;
    /** The columns as the server described them, to compare with the table's next version. */
    final SchemaChange.Shape shape;

    private RelationInfo(TableId table, Schema schema, PgType[] types, List<ColumnDef> columns) {
        this.table = table;
        List<String> typeNames = new ArrayList<>(types.length);
        for (PgType type : types) {
            typeNames.add(type.sourceType());
        }
        this.shape = new SchemaChange.Shape(columns, typeNames);
        this.schema = schema;
        this.types = types;
        this.qualifiedNames = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            qualifiedNames[i] = table + "." + schema.column(i).name();
        }
    }

    static RelationInfo of(TableId table, List<ColumnDef> columns, List<String> key, Set<String> notNull,
            TypeResolver resolver) throws SQLException {
        List<Column> schemaColumns = new ArrayList<>(columns.size());
        PgType[] types = new PgType[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnDef def = columns.get(i);
            PgType type = resolver.resolve(def.typeOid(), def.typmod());
            types[i] = type;
            Column column = new Column(def.name(), type.type(), true, type.sourceType());
            schemaColumns.add(notNull.contains(def.name()) ? column.notNull() : column);
        }
        List<String> presentKey = key.stream().filter(k -> columns.stream().anyMatch(c -> c.name().equals(k))).toList();
        return new RelationInfo(table, Schema.of(schemaColumns, presentKey), types, columns);
    }

    /**
     * Parses one column's text, naming table and column when it does not parse. Every failure is a
     * {@link FatalException}: a value that cannot be read now cannot be read on a retry either, and a retry that
     * re-reads a snapshot would loop.
     */
    Object parse(int index, String text) {
        try {
            return types[index].parser().parse(text, qualifiedNames[index]);
        } catch (FatalException e) {
            throw e;
        } catch (UnrepresentableValueException e) {
            throw new FatalException("cannot capture the value of column " + qualifiedNames[index] + " ("
                    + types[index].sourceType() + "): " + e.getMessage() + ". Fix: change the value in the database"
                    + " (to 'infinity' or NULL, say), or leave the table out; the pipeline resumes from where it"
                    + " stopped.", e);
        } catch (RuntimeException e) {
            throw new FatalException("cannot read the value of column " + qualifiedNames[index] + " ("
                    + types[index].sourceType() + "): '" + abbreviate(text) + "': " + e
                    + ". This is a bug or an unsupported value; report it with the value's type and text.", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}

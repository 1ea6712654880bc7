package dev.sluice.source.postgres;

import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.capture.ChangeTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The DDL of PostgreSQL trigger capture: the change table and its sequence (CACHE 1, so values are handed out in
 * time order), one {@code SECURITY DEFINER} PL/pgSQL function per change table for truncates, and per captured
 * table a row trigger (insert, update, delete) with a function of its own, whose images list the table's columns
 * as they were at install time (their text forms, see {@link PostgresCaptureValues}; so install again after
 * altering a captured table), and a statement trigger (truncate). Every name is quoted. Stateless.
 */
final class PostgresCaptureTriggers {

    private PostgresCaptureTriggers() {}

    static TableId sequence(ChangeTable changeTable) {
        return TableId.of(changeTable.table().namespace(), changeTable.table().name() + "_seq");
    }

    static TableId function(ChangeTable changeTable) {
        return TableId.of(changeTable.table().namespace(), changeTable.table().name() + "_capture");
    }

    static String rowTrigger(ChangeTable changeTable) {
        return changeTable.table().name() + "_row";
    }

    static String truncateTrigger(ChangeTable changeTable) {
        return changeTable.table().name() + "_truncate";
    }

    /** The row trigger function of one captured table: unique per change table and table, at most 63 bytes. */
    static TableId rowFunction(ChangeTable changeTable, TableId table) {
        CRC32 crc = new CRC32();
        crc.update((changeTable.table() + "\u0000" + table).getBytes(StandardCharsets.UTF_8));
        String readable = table.name().replaceAll("[^A-Za-z0-9_]", "_");
        String prefix = changeTable.table().name().replaceAll("[^A-Za-z0-9_]", "_");
        return TableId.of(changeTable.table().namespace(), left(prefix, 20) + "_" + String.format("%08x",
                crc.getValue()) + "_" + left(readable, 30));
    }

    private static String left(String text, int length) {
        return text.length() > length ? text.substring(0, length) : text;
    }

    /** What every capture function starts with: its settings make the text forms the log source reads. */
    private static String functionHeader(PostgresCaptureDialect d, TableId function) {
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE FUNCTION " + d.qualify(function)
                + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp");
        for (String setting : PostgresCaptureValues.SETTINGS) {
            sql.append(" SET ").append(setting);
        }
        return sql.append(" AS ").toString();
    }

    private static String insert(PostgresCaptureDialect d, ChangeTable changeTable) {
        return "INSERT INTO " + d.qualify(changeTable.table()) + " (seq, op, table_schema, table_name, tx, "
                + "changed_at_us, before_image, after_image) VALUES (nextval(" + PostgresCaptureDialect.literal(
                d.qualify(sequence(changeTable))) + "::regclass), ";
    }

    private static final String COMMON = "TG_TABLE_SCHEMA, TG_TABLE_NAME, pg_current_xact_id()::text, "
            + "(extract(epoch FROM now()) * 1000000)::bigint, ";

    static List<String> createChangeTable(PostgresCaptureDialect d, ChangeTable changeTable) {
        String table = d.qualify(changeTable.table());
        String body = "BEGIN\n  " + insert(d, changeTable) + "'T', " + COMMON + "NULL, NULL);\n  RETURN NULL;\nEND";
        return List.of(
                "CREATE SEQUENCE IF NOT EXISTS " + d.qualify(sequence(changeTable)) + " CACHE 1",
                "CREATE TABLE IF NOT EXISTS " + table + " (seq bigint PRIMARY KEY, op text NOT NULL, "
                        + "table_schema text NOT NULL, table_name text NOT NULL, tx text, "
                        + "changed_at_us bigint NOT NULL, before_image jsonb, after_image jsonb)",
                functionHeader(d, function(changeTable)) + PostgresCaptureDialect.literal(body));
    }

    static List<String> dropChangeTable(PostgresCaptureDialect d, ChangeTable changeTable) {
        return List.of(
                "DROP FUNCTION IF EXISTS " + d.qualify(function(changeTable)) + "() CASCADE",
                "DROP TABLE IF EXISTS " + d.qualify(changeTable.table()),
                "DROP SEQUENCE IF EXISTS " + d.qualify(sequence(changeTable)));
    }

    static List<String> createTriggers(PostgresCaptureDialect d, ChangeTable changeTable, TableId table,
            Schema schema) {
        TableId rowFunction = rowFunction(changeTable, table);
        String body = "BEGIN\n  " + insert(d, changeTable) + "left(TG_OP, 1), " + COMMON
                + "CASE WHEN TG_OP <> 'INSERT' THEN " + PostgresCaptureValues.image(d, schema, "OLD") + " END, "
                + "CASE WHEN TG_OP <> 'DELETE' THEN " + PostgresCaptureValues.image(d, schema, "NEW") + " END);\n"
                + "  RETURN NULL;\nEND";
        return List.of(
                functionHeader(d, rowFunction) + PostgresCaptureDialect.literal(body),
                "CREATE OR REPLACE TRIGGER " + d.quote(rowTrigger(changeTable)) + " AFTER INSERT OR UPDATE OR "
                        + "DELETE ON " + d.qualify(table) + " FOR EACH ROW EXECUTE FUNCTION " + d.qualify(rowFunction)
                        + "()",
                "CREATE OR REPLACE TRIGGER " + d.quote(truncateTrigger(changeTable)) + " AFTER TRUNCATE ON "
                        + d.qualify(table) + " FOR EACH STATEMENT EXECUTE FUNCTION " + d.qualify(function(changeTable))
                        + "()");
    }

    static List<String> dropTriggers(PostgresCaptureDialect d, ChangeTable changeTable, TableId table) {
        List<String> sql = new ArrayList<>();
        sql.add("DROP TRIGGER IF EXISTS " + d.quote(rowTrigger(changeTable)) + " ON " + d.qualify(table));
        sql.add("DROP TRIGGER IF EXISTS " + d.quote(truncateTrigger(changeTable)) + " ON " + d.qualify(table));
        sql.add("DROP FUNCTION IF EXISTS " + d.qualify(rowFunction(changeTable, table)) + "()");
        return sql;
    }
}

package dev.sluice.source.postgres;

import dev.sluice.TableId;
import dev.sluice.capture.ChangeTable;
import java.util.List;

/**
 * The DDL of PostgreSQL trigger capture: the change table and its sequence (CACHE 1, so values are handed out in
 * time order), one {@code SECURITY DEFINER} PL/pgSQL function per change table, and per captured table a row
 * trigger (insert, update, delete) and a statement trigger (truncate). Every name is quoted. Stateless.
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

    static List<String> createChangeTable(PostgresCaptureDialect d, ChangeTable changeTable) {
        String table = d.qualify(changeTable.table());
        String sequence = d.qualify(sequence(changeTable));
        String insert = "INSERT INTO " + table + " (seq, op, table_schema, table_name, tx, changed_at_us, "
                + "before_image, after_image) VALUES (nextval(" + PostgresCaptureDialect.literal(sequence)
                + "::regclass), ";
        String common = "TG_TABLE_SCHEMA, TG_TABLE_NAME, pg_current_xact_id()::text, "
                + "(extract(epoch FROM now()) * 1000000)::bigint, ";
        String body = "BEGIN\n"
                + "  IF TG_LEVEL = 'STATEMENT' THEN\n"
                + "    " + insert + "'T', " + common + "NULL, NULL);\n"
                + "  ELSE\n"
                + "    " + insert + "left(TG_OP, 1), " + common
                + "CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, "
                + "CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END";
        return List.of(
                "CREATE SEQUENCE IF NOT EXISTS " + sequence + " CACHE 1",
                "CREATE TABLE IF NOT EXISTS " + table + " (seq bigint PRIMARY KEY, op text NOT NULL, "
                        + "table_schema text NOT NULL, table_name text NOT NULL, tx text, "
                        + "changed_at_us bigint NOT NULL, before_image jsonb, after_image jsonb)",
                "CREATE OR REPLACE FUNCTION " + d.qualify(function(changeTable)) + "() RETURNS trigger "
                        + "LANGUAGE plpgsql SECURITY DEFINER "
                        + "SET search_path = pg_catalog, pg_temp SET intervalstyle = 'iso_8601' "
                        + "SET bytea_output = 'hex' AS " + PostgresCaptureDialect.literal(body));
    }

    static List<String> dropChangeTable(PostgresCaptureDialect d, ChangeTable changeTable) {
        return List.of(
                "DROP FUNCTION IF EXISTS " + d.qualify(function(changeTable)) + "() CASCADE",
                "DROP TABLE IF EXISTS " + d.qualify(changeTable.table()),
                "DROP SEQUENCE IF EXISTS " + d.qualify(sequence(changeTable)));
    }

    static List<String> createTriggers(PostgresCaptureDialect d, ChangeTable changeTable, TableId table) {
        String function = d.qualify(function(changeTable)) + "()";
        return List.of(
                "CREATE OR REPLACE TRIGGER " + d.quote(rowTrigger(changeTable)) + " AFTER INSERT OR UPDATE OR "
                        + "DELETE ON " + d.qualify(table) + " FOR EACH ROW EXECUTE FUNCTION " + function,
                "CREATE OR REPLACE TRIGGER " + d.quote(truncateTrigger(changeTable)) + " AFTER TRUNCATE ON "
                        + d.qualify(table) + " FOR EACH STATEMENT EXECUTE FUNCTION " + function);
    }

    static List<String> dropTriggers(PostgresCaptureDialect d, ChangeTable changeTable, TableId table) {
        return List.of(
                "DROP TRIGGER IF EXISTS " + d.quote(rowTrigger(changeTable)) + " ON " + d.qualify(table),
                "DROP TRIGGER IF EXISTS " + d.quote(truncateTrigger(changeTable)) + " ON " + d.qualify(table));
    }
}

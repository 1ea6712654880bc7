package dev.sluice.source.mysql;

import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.capture.ChangeTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The DDL of MySQL/MariaDB trigger capture: the change table (InnoDB, AUTO_INCREMENT sequence) and three AFTER
 * triggers per captured table whose {@code JSON_OBJECT} images list the table's columns as they were at install
 * time (so install again after altering a captured table). Triggers run as their definer, so writers need no
 * right on the change table. Stateless.
 */
final class MySqlCaptureTriggers {

    private MySqlCaptureTriggers() {}

    static List<String> createChangeTable(MySqlCaptureDialect d, ChangeTable changeTable) {
        return List.of("CREATE TABLE IF NOT EXISTS " + d.qualify(changeTable.table()) + " ("
                + "seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, op CHAR(1) NOT NULL, "
                + "table_schema VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, tx VARCHAR(64) NULL, "
                + "changed_at_us BIGINT NOT NULL, before_image LONGTEXT NULL, after_image LONGTEXT NULL"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    }

    /** A trigger name unique per table within its database and at most 64 characters. */
    static String triggerName(ChangeTable changeTable, TableId table, char op) {
        CRC32 crc = new CRC32();
        crc.update((changeTable.table() + "\u0000" + table).getBytes(StandardCharsets.UTF_8));
        String readable = table.name().replaceAll("[^A-Za-z0-9_]", "_");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        return "sluice_" + readable + "_" + String.format("%08x", crc.getValue()) + "_" + op;
    }

    static List<String> createTriggers(MySqlCaptureDialect d, ChangeTable changeTable, TableId table,
            Schema schema) {
        List<String> sql = new ArrayList<>(dropTriggers(d, changeTable, table));
        String insert = "INSERT INTO " + d.qualify(changeTable.table()) + " (op, table_schema, table_name, tx, "
                + "changed_at_us, before_image, after_image) VALUES (";
        String where = MySqlCaptureDialect.literal(table.namespace()) + ", " + MySqlCaptureDialect.literal(
                table.name()) + ", NULL, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED), ";
        String oldImage = d.rowImage(table, schema, "OLD");
        String newImage = d.rowImage(table, schema, "NEW");
        sql.add(create(d, changeTable, table, 'i', "INSERT", insert + "'I', " + where + "NULL, " + newImage + ")"));
        sql.add(create(d, changeTable, table, 'u', "UPDATE", insert + "'U', " + where + oldImage + ", " + newImage
                + ")"));
        sql.add(create(d, changeTable, table, 'd', "DELETE", insert + "'D', " + where + oldImage + ", NULL)"));
        return sql;
    }

    private static String create(MySqlCaptureDialect d, ChangeTable changeTable, TableId table, char op,
            String event, String body) {
        return "CREATE TRIGGER " + d.quote(table.namespace()) + "." + d.quote(triggerName(changeTable, table, op))
                + " AFTER " + event + " ON " + d.qualify(table) + " FOR EACH ROW " + body;
    }

    static List<String> dropTriggers(MySqlCaptureDialect d, ChangeTable changeTable, TableId table) {
        List<String> sql = new ArrayList<>();
        for (char op : new char[] {'i', 'u', 'd'}) {
            sql.add("DROP TRIGGER IF EXISTS " + d.quote(table.namespace()) + "."
                    + d.quote(triggerName(changeTable, table, op)));
        }
        return sql;
    }
}

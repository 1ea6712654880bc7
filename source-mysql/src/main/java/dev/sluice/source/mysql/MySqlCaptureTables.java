package dev.sluice.source.mysql;

import dev.sluice.TableId;
import dev.sluice.capture.ChangeTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What trigger capture on MySQL/MariaDB checks about its tables while it runs: whether their triggers are still
 * there, and InnoDB's table id, which a {@code TRUNCATE} changes (InnoDB creates the table anew) although no
 * trigger fires for it. Stateless.
 */
final class MySqlCaptureTables {

    private MySqlCaptureTables() {}

    /**
     * The tables missing one of their three triggers, or null when no trigger of this change table is visible at
     * all: {@code information_schema.TRIGGERS} shows a user only the triggers of tables it has the {@code TRIGGER}
     * privilege on, so none at all means this user cannot tell.
     */
    static List<TableId> withoutTriggers(Connection connection, ChangeTable changeTable, List<TableId> tables)
            throws SQLException {
        Map<String, List<TableId>> bySchema = new LinkedHashMap<>();
        for (TableId table : tables) {
            bySchema.computeIfAbsent(table.namespace(), k -> new ArrayList<>()).add(table);
        }
        List<TableId> missing = new ArrayList<>();
        boolean anyVisible = false;
        for (Map.Entry<String, List<TableId>> e : bySchema.entrySet()) {
            Set<String> present = new HashSet<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT TRIGGER_NAME FROM "
                    + "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME LIKE 'sluice\\_%'")) {
                ps.setString(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        present.add(rs.getString(1));
                    }
                }
            }
            for (TableId table : e.getValue()) {
                for (char op : new char[] {'i', 'u', 'd'}) {
                    if (!present.contains(MySqlCaptureTriggers.triggerName(changeTable, table, op))) {
                        missing.add(table);
                    } else {
                        anyVisible = true;
                    }
                }
            }
        }
        return anyVisible || tables.isEmpty() ? missing.stream().distinct().toList() : null;
    }

    /**
     * InnoDB's table ids, from {@code INNODB_SYS_TABLES} (MariaDB, MySQL 5.7) or {@code INNODB_TABLES} (MySQL 8).
     * Throws the access error ({@link MySqlCaptureTrxView#NEEDS_PROCESS}) when the user lacks {@code PROCESS}.
     */
    static Map<TableId, Long> innodbIds(Connection connection, List<TableId> tables) throws SQLException {
        Map<String, TableId> byFileName = new HashMap<>();
        for (TableId table : tables) {
            String schema = fileName(table.namespace());
            String name = fileName(table.name());
            if (schema != null && name != null) {
                byFileName.put(schema + "/" + name, table);
            }
        }
        Map<TableId, Long> ids = new HashMap<>();
        if (byFileName.isEmpty()) {
            return ids;
        }
        String in = String.join(", ", byFileName.keySet().stream().map(MySqlCaptureDialect::literal).toList());
        String query = "SELECT NAME, TABLE_ID FROM information_schema.%s WHERE NAME IN (" + in + ")";
        try {
            read(connection, String.format(query, "INNODB_SYS_TABLES"), byFileName, ids);
        } catch (SQLException e) {
            // MySQL 8 renamed the view (1109: unknown table)
            if (e.getErrorCode() != 1109) {
                throw e;
            }
            read(connection, String.format(query, "INNODB_TABLES"), byFileName, ids);
        }
        return ids;
    }

    private static void read(Connection connection, String query, Map<String, TableId> byFileName,
            Map<TableId, Long> ids) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TableId table = byFileName.get(rs.getString(1));
                if (table != null) {
                    ids.put(table, rs.getLong(2));
                }
            }
        }
    }

    /**
     * The name InnoDB's dictionary shows for an identifier: letters, digits and {@code _} as they are, other
     * characters as {@code @} and four hex digits; null where the server uses its shorter two-character codes
     * (most accented letters), which are not reproduced here.
     */
    static String fileName(String identifier) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_')) {
                out.append(c);
            } else if (c < 0x80 || !compactlyEncoded(c)) {
                out.append('@').append(String.format("%04x", (int) c));
            } else {
                return null;
            }
        }
        return out.toString();
    }

    /** The ranges MySQL's filename encoding gives two-character codes (strings/ctype-utf8: uni_0C00_05FF...). */
    private static boolean compactlyEncoded(char c) {
        return c >= 0x00C0 && c <= 0x05FF || c >= 0x1E00 && c <= 0x1FFF || c >= 0x2160 && c <= 0x217F
                || c >= 0x24B0 && c <= 0x24EF || c >= 0xFF20 && c <= 0xFF5F;
    }
}

package dev.sluice.source.postgres;

import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A table's schema for timestamp and trigger capture on PostgreSQL: the very mapping the log source and its
 * snapshot use ({@link Catalog}, {@link TypeResolver}, {@link RelationInfo}), so a column gets the same logical type,
 * source type, nullability and key whichever method captures it. Stateless.
 */
final class PostgresCaptureSchemas {

    private PostgresCaptureSchemas() {}

    /** The table's schema, or null if it does not exist. */
    static Schema read(Connection connection, TableId table) throws SQLException {
        long oid;
        try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                oid = rs.getLong(1);
            }
        }
        Catalog catalog = new Catalog(connection);
        return RelationInfo.of(table, catalog.columns(oid), catalog.key(oid), catalog.notNull(oid),
                new TypeResolver(connection, NumericMode.DECIMAL)).schema;
    }
}

package dev.sluice.source.mysql;

import dev.sluice.Schema;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A table's schema for timestamp and trigger capture on MySQL and MariaDB: the very mapping the binlog source and
 * its snapshot use ({@link InfoSchema}, {@link ColumnSpec}), so a column gets the same logical type, source type
 * and nullability whichever method captures it. Stateless.
 */
final class MySqlCaptureSchemas {

    private MySqlCaptureSchemas() {}

    /**
     * The table's schema, or null if it does not exist.
     *
     * @throws dev.sluice.FatalException if a column has a type the MySQL source does not map (the message names it)
     */
    static Schema read(Connection connection, TableId table) throws SQLException {
        InfoSchema.TableDef def = InfoSchema.table(connection, table);
        return def == null ? null : def.schema();
    }
}

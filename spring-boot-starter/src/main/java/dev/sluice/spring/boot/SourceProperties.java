package dev.sluice.spring.boot;

import dev.sluice.capture.Capture;
import dev.sluice.capture.SchemaChanges;
import dev.sluice.capture.SnapshotMode;
import java.util.List;

/**
 * {@code sluice.pipelines.<name>.source.*}: the source and its main options. Options left out keep the source
 * builder's defaults; an option the source type does not take fails the start. Immutable.
 *
 * @param type {@code postgres}, {@code mysql} (MySQL and MariaDB) or {@code mongo}; required
 * @param url a JDBC URL ({@code jdbc:postgresql://…}, {@code jdbc:mysql://…} or {@code jdbc:mariadb://…}), or a
 *     MongoDB connection string ({@code mongodb://user:password@host/?replicaSet=rs0})
 * @param user the database user (PostgreSQL, MySQL)
 * @param password the user's password (default empty, for trust authentication)
 * @param tables which tables (collections) to capture: {@code schema.table} patterns, {@code *} a wildcard
 *     (default: all)
 * @param exclude tables (collections) to leave out, as patterns
 * @param capture {@code log} (default), {@code trigger} or {@code timestamp} (PostgreSQL, MySQL)
 * @param snapshotMode {@code initial} (default), {@code never}, {@code initial-only} or {@code incremental}; MongoDB
 *     takes {@code initial} (copy the existing documents) and {@code never}, its default
 * @param snapshotChunkSize rows per snapshot chunk (PostgreSQL, MySQL)
 * @param snapshotParallelism chunks of an incremental snapshot read at once (PostgreSQL, MySQL; default 1)
 * @param schemaChanges {@code reread} (default) or {@code fail} (PostgreSQL, MySQL)
 * @param timestampColumn the column timestamp capture polls on; required with {@code capture: timestamp}
 * @param softDeleteColumn the column that marks deleted rows in timestamp capture
 * @param slotName the PostgreSQL replication slot (default {@code sluice_<pipeline name>})
 * @param publicationName the PostgreSQL publication (default {@code sluice_<pipeline name>})
 * @param serverId the MySQL/MariaDB replica server id (default derived from the pipeline name)
 */
public record SourceProperties(
        Type type,
        String url,
        String user,
        String password,
        List<String> tables,
        List<String> exclude,
        Capture capture,
        SnapshotMode snapshotMode,
        Integer snapshotChunkSize,
        Integer snapshotParallelism,
        SchemaChanges schemaChanges,
        String timestampColumn,
        String softDeleteColumn,
        String slotName,
        String publicationName,
        Long serverId) {

    /** The options, the password masked. */
    @Override
    public String toString() {
        return "SourceProperties[type=" + type + ", url=" + url + ", user=" + user + ", password="
                + Props.mask(password) + ", tables=" + tables + ", exclude=" + exclude + ", capture=" + capture
                + ", snapshotMode=" + snapshotMode + ", snapshotChunkSize=" + snapshotChunkSize
                + ", snapshotParallelism=" + snapshotParallelism + ", schemaChanges="
                + schemaChanges + ", timestampColumn=" + timestampColumn + ", softDeleteColumn=" + softDeleteColumn
                + ", slotName=" + slotName + ", publicationName=" + publicationName + ", serverId=" + serverId + "]";
    }

    /** The kinds of source. */
    public enum Type {
        /** {@code dev.sluice:sluice-source-postgres}. */
        POSTGRES,
        /** {@code dev.sluice:sluice-source-mysql}: MySQL and MariaDB. */
        MYSQL,
        /** {@code dev.sluice:sluice-source-mongo}. */
        MONGO
    }
}

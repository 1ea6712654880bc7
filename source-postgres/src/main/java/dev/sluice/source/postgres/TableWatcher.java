package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds tables the filter selects but the publication lacks (created, or dropped and re-created, while the
 * pipeline runs; or added to the configuration) and adds them to the publication, together with a transactional
 * logical message ({@link PgOutputDecoder#TABLE_ADDED}) in the same transaction. The stream then meets that message
 * exactly where the table joined, and the table's rows are read there (see PgChangeStream): a table's changes are
 * in the stream from the ADD on, its rows from before come from the read, and a restart before the read was
 * committed meets the message again and reads again.
 *
 * <p>Uses the stream's metadata connection, on the capture thread only.
 */
final class TableWatcher {

    private static final Logger log = LoggerFactory.getLogger(TableWatcher.class);

    private final Connection connection;
    private final String publication;
    private final TableFilter filter;
    private final Catalog catalog;

    TableWatcher(Connection connection, String publication, TableFilter filter) {
        this.connection = connection;
        this.publication = publication;
        this.filter = filter;
        this.catalog = new Catalog(connection);
    }

    /** Adds every selected table the publication lacks; returns them. */
    List<TableId> addMissing() throws SQLException {
        Set<TableId> published = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    published.add(TableId.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<TableId> added = new ArrayList<>();
        for (Catalog.TableInfo table : catalog.tables(filter)) {
            if (!published.contains(table.id())) {
                Setup.checkIdentity(table);
                add(table);
                added.add(table.id());
            }
        }
        return added;
    }

    private void add(Catalog.TableInfo table) throws SQLException {
        String alter = "ALTER PUBLICATION " + Catalog.quote(publication) + " ADD TABLE " + Catalog.quote(table.id());
        connection.setAutoCommit(false);
        try {
            Savepoint beforeAlter = connection.setSavepoint();
            try (Statement s = connection.createStatement()) {
                s.execute(alter);
            } catch (SQLException e) {
                if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
                connection.rollback(beforeAlter); // added meanwhile by someone else: its rows are still to read
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT pg_logical_emit_message(true, ?, ?)")) {
                ps.setString(1, PgOutputDecoder.TABLE_ADDED);
                ps.setString(2, content(publication, table.oid()));
                ps.execute();
            }
            connection.commit();
            log.info("{}: table {} joined the publication; its rows are read where the stream reaches that point",
                    publication, table.id());
        } catch (SQLException e) {
            connection.rollback();
            if ("42501".equals(e.getSQLState())) {
                throw new FatalException("table " + table.id() + " matches the source's tables filter but cannot be"
                        + " added to publication " + publication + ": " + e.getMessage() + ". Its changes would be"
                        + " lost. Fix: let the source's user own the tables it captures (ALTER TABLE "
                        + Catalog.quote(table.id()) + " OWNER TO ...), then restart; or let the owner run " + alter
                        + "; and re-snapshot (delete the pipeline's stored offset) so the rows written before are"
                        + " read; or leave the table out of the filter.", e);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Commits a transactional logical message ({@link PgOutputDecoder#TABLE_CHANGED}) that says the table's rows
     * are to be read again. The stream meets it after everything it has decoded so far, and reads the table there;
     * a restart before that read was committed meets the message again, so the read is never lost once this
     * returns.
     */
    void markChanged(long oid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            ps.setString(1, PgOutputDecoder.TABLE_CHANGED);
            ps.setString(2, content(publication, oid));
            ps.execute();
        }
    }

    /** The message's text: the publication and the table's OID, so other pipelines' messages are told apart. */
    static String content(String publication, long oid) {
        return publication + "\n" + oid;
    }

    /** The OID in a table-added message of this publication, or -1 if the message is another publication's. */
    static long oidIn(String content, String publication) {
        int newline = content.lastIndexOf('\n');
        if (newline < 0 || !content.substring(0, newline).equals(publication)) {
            return -1;
        }
        return Long.parseLong(content.substring(newline + 1));
    }

    /** The selected table with this OID now, or null (dropped, renamed out of the filter). */
    Catalog.TableInfo table(long oid) throws SQLException {
        for (Catalog.TableInfo table : catalog.tables(filter)) {
            if (table.oid() == oid) {
                return table;
            }
        }
        return null;
    }
}

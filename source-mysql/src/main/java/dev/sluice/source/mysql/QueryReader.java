package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads QUERY events (BEGIN, COMMIT, DDL, XA, and statement-logged DML) by the server's layout, with the database
 * name and the statement decoded as UTF-8: the connector library decodes them with the JVM's default charset, so a
 * non-ASCII table name in a {@code TRUNCATE} would not be recognised under a C/POSIX locale. (The statement is
 * really in the writer's {@code character_set_client}; clients that send non-UTF-8 names are not supported.)
 * Stateless.
 */
final class QueryReader implements EventDataDeserializer<QueryEventData> {

    @Override
    public QueryEventData deserialize(ByteArrayInputStream in) throws IOException {
        QueryEventData data = new QueryEventData();
        data.setThreadId(in.readLong(4));
        data.setExecutionTime(in.readLong(4));
        int databaseLength = in.readInteger(1);
        data.setErrorCode(in.readInteger(2));
        int statusLength = in.readInteger(2);
        in.read(statusLength);
        data.setDatabase(new String(in.read(databaseLength), StandardCharsets.UTF_8));
        in.read(1); // the name's terminating zero
        data.setSql(new String(in.read(in.available()), StandardCharsets.UTF_8));
        return data;
    }
}

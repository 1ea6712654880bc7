package dev.sluice.sink.jdbc;

import dev.sluice.LogContext;
import dev.sluice.testkit.TestDatabase;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.MDC;

/**
 * A data source of real connections to a test database that records how many rows each JDBC batch the sink sends
 * holds (it observes the calls, and passes every one on to the real driver).
 */
final class BatchRecorder implements DataSource {

    private final TestDatabase database;
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    /** The MDC's {@code sluice.table} at each executeBatch (empty where unset). */
    final List<String> batchTables = new CopyOnWriteArrayList<>();

    BatchRecorder(TestDatabase database) {
        this.database = database;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = database.connect();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = call(method, real, args);
                    if (result instanceof PreparedStatement statement) {
                        return recording(statement);
                    }
                    return result;
                });
    }

    private PreparedStatement recording(PreparedStatement real) {
        AtomicInteger added = new AtomicInteger();
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("addBatch") && method.getParameterCount() == 0) {
                added.incrementAndGet();
            } else if (method.getName().equals("executeBatch")) {
                batches.add(added.getAndSet(0));
                String table = MDC.get(LogContext.TABLE);
                batchTables.add(table == null ? "" : table);
            }
            return call(method, real, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}

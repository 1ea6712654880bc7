package dev.sluice.testkit;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit side of {@link PostgresExtension} and {@link MariaDbExtension}: resolves a parameter of
 * the database type to a fresh database per {@link ExtensionContext}, and drops it when that
 * context closes.
 *
 * <p>A server that cannot be used fails the test on CI and skips it elsewhere. A parameter
 * resolver cannot skip (JUnit turns whatever it throws into a failure), so off CI the parameter
 * resolves to {@code null} and the interceptor methods below abort the method that asked for it
 * before it runs, which JUnit reports as skipped.
 */
abstract class DatabaseExtension implements ParameterResolver, InvocationInterceptor {

    private final Class<? extends TestDatabase> type;
    private final Namespace namespace = Namespace.create(getClass());

    DatabaseExtension(Class<? extends TestDatabase> type) {
        this.type = type;
    }

    /** The server of this extension's kind, one per JVM. */
    abstract DatabaseServer server();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        DatabaseServer server = server();
        String problem = server.problem();
        if (problem != null) {
            if (Env.isCi()) {
                throw new ParameterResolutionException(problem);
            }
            return null;
        }
        // keyed by the context's id: a Store also answers with its parents' values, and a test
        // must not get the database of its class's @BeforeAll
        return context.getStore(namespace)
                .getOrComputeIfAbsent(context.getUniqueId(), key -> create(server, context), Lease.class)
                .database();
    }

    /** Constructor parameters too get a database per test method, not one per class. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    private static Lease create(DatabaseServer server, ExtensionContext context) {
        String name = Names.forDatabase(context);
        try {
            server.create(name);
        } catch (SQLException e) {
            throw new ParameterResolutionException("could not create database " + name + " on "
                    + server.describe() + " as " + server.address().adminUser() + ": " + e.getMessage(), e);
        }
        return new Lease(server, server.handle(name));
    }

    /** A database that lives as long as the ExtensionContext whose Store holds it. */
    private record Lease(DatabaseServer server, TestDatabase database) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            server.drop(database.name());
        }
    }

    private void abortIfUnusable(Invocation<?> invocation, ReflectiveInvocationContext<? extends Executable> call) {
        if (Arrays.asList(call.getExecutable().getParameterTypes()).contains(type)) {
            String problem = server().problem();
            if (problem != null) {
                invocation.skip();
                throw new TestAbortedException(problem);
            }
        }
    }

    @Override
    public <T> T interceptTestClassConstructor(Invocation<T> invocation,
            ReflectiveInvocationContext<Constructor<T>> call, ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        return invocation.proceed();
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        return invocation.proceed();
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfUnusable(invocation, call);
        invocation.proceed();
    }
}

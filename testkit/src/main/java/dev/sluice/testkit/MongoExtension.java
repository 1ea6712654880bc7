package dev.sluice.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands a test a MongoDB endpoint and a database of its own on an
 * in-process mongo-java-server: declare a {@link MongoEndpoint} parameter on a test method, a
 * lifecycle method or the test constructor.
 *
 * <p>Lifecycle: the server starts on the first use in a test run and stops when the run ends; it
 * keeps nothing. Each {@code ExtensionContext} that resolves a parameter (a test method, or the
 * test class for {@code @BeforeAll}) gets its own database name, and that database is dropped when
 * the context ends. No server has to be installed, so nothing is ever skipped.
 *
 * <p>Thread-safety: safe for parallel test execution; JUnit's stores synchronize the shared server.
 */
public final class MongoExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(MongoExtension.class);

    /** Called by JUnit, for {@code @ExtendWith} or {@code @RegisterExtension}. */
    public MongoExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MongoEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        InProcessMongo server = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(InProcessMongo.class, key -> InProcessMongo.start(), InProcessMongo.class);
        // keyed by the context's id: a Store also answers with its parents' values, and a test
        // must not get the database of its class's @BeforeAll
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(context.getUniqueId(),
                        key -> new Lease(server, new MongoEndpoint(server.connectionString(),
                                Names.forDatabase(context))),
                        Lease.class)
                .endpoint();
    }

    /** Constructor parameters too get a database per test method, not one per class. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    /** A database that lives as long as the ExtensionContext whose Store holds it. */
    private record Lease(InProcessMongo server, MongoEndpoint endpoint) implements AutoCloseable {
        @Override
        public void close() {
            server.dropDatabase(endpoint.database());
        }
    }
}

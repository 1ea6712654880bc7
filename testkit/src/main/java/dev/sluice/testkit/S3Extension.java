package dev.sluice.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands a test an empty S3 bucket on an in-process S3-compatible server
 * (S3Proxy over memory): declare an {@link S3Bucket} parameter on a test method, a lifecycle
 * method or the test constructor.
 *
 * <p>Lifecycle: the server starts on the first use in a test run (about a second) and stops when
 * the run ends; it forgets everything then. Each {@code ExtensionContext} that resolves a parameter
 * (a test method, or the test class for {@code @BeforeAll}) gets its own bucket, removed with its
 * contents when that context ends. No server has to be installed, so nothing is ever skipped.
 *
 * <p>Thread-safety: safe for parallel test execution; JUnit's stores synchronize the shared server.
 */
public final class S3Extension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(S3Extension.class);

    /** Called by JUnit, for {@code @ExtendWith} or {@code @RegisterExtension}. */
    public S3Extension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Bucket.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        S3ProxyServer server = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(S3ProxyServer.class, key -> S3ProxyServer.start(), S3ProxyServer.class);
        // keyed by the context's id: a Store also answers with its parents' values, and a test
        // must not get the bucket of its class's @BeforeAll
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(context.getUniqueId(), key -> create(server, context), Lease.class)
                .bucket();
    }

    /** Constructor parameters too get a bucket per test method, not one per class. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    private static Lease create(S3ProxyServer server, ExtensionContext context) {
        String name = Names.forBucket(context);
        server.createBucket(name);
        return new Lease(server, new S3Bucket(server.endpoint(), S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, name));
    }

    /** A bucket that lives as long as the ExtensionContext whose Store holds it. */
    private record Lease(S3ProxyServer server, S3Bucket bucket) implements AutoCloseable {
        @Override
        public void close() {
            server.deleteBucket(bucket.bucket());
        }
    }
}

package dev.sluice.testkit;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3Proxy over an in-memory blob store, listening on a free port of 127.0.0.1. One per test run:
 * {@link S3Extension} keeps it in the root ExtensionContext's store, which closes it at the end.
 * Thread-safe.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "sluice-test-access-key";
    static final String SECRET_KEY = "sluice-test-secret-key";

    private final BlobStore blobStore;
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(BlobStore blobStore, S3Proxy proxy) {
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server; returns once it accepts requests. */
    static S3ProxyServer start() {
        BlobStore blobStore = new TransientNio2BlobStore();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-process S3Proxy", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-process S3Proxy: " + e.getMessage(), e);
        }
        return new S3ProxyServer(blobStore, proxy);
    }

    URI endpoint() {
        return endpoint;
    }

    /** Creates an empty bucket. */
    void createBucket(String name) {
        blobStore.createContainer(name);
    }

    /** Removes the bucket with all its objects, versions and unfinished multipart uploads. */
    void deleteBucket(String name) {
        if (blobStore.containerExists(name)) {
            blobStore.deleteContainer(name);
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the in-process S3Proxy", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the in-process S3Proxy: " + e.getMessage(), e);
        } finally {
            blobStore.close();
        }
    }
}

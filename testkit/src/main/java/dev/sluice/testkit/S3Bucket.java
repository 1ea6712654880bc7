package dev.sluice.testkit;

import java.net.URI;

/**
 * An empty S3 bucket for one test on an in-process S3-compatible server; handed out by
 * {@link S3Extension}.
 *
 * <p>Point an S3 client at {@link #endpoint()} with path-style access, region {@link #region()} and
 * the static credentials {@link #accessKey()}/{@link #secretKey()}; e.g. with the AWS SDK v2:
 * {@code S3Client.builder().endpointOverride(bucket.endpoint()).forcePathStyle(bucket.pathStyle())
 * .region(Region.of(bucket.region())).credentialsProvider(StaticCredentialsProvider.create(
 * AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey())))}. Other buckets of the same
 * server belong to other tests.
 *
 * <p>Lifecycle: created before the test (or, for {@code @BeforeAll}, before the class) and removed
 * with all its objects when that test ends. Thread-safety: immutable.
 */
public final class S3Bucket {

    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;

    S3Bucket(URI endpoint, String accessKey, String secretKey, String bucket) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.bucket = bucket;
    }

    /** {@return the server's base URI, such as {@code http://127.0.0.1:41234}, without the bucket} */
    public URI endpoint() {
        return endpoint;
    }

    /** {@return the region to sign requests for: {@code us-east-1}} */
    public String region() {
        return "us-east-1";
    }

    /** {@return the access key id the server accepts (AWS signature V2 or V4)} */
    public String accessKey() {
        return accessKey;
    }

    /** {@return the secret key the server accepts} */
    public String secretKey() {
        return secretKey;
    }

    /** {@return the bucket's name, {@code sluice-t-<test class>-<random>}} */
    public String bucket() {
        return bucket;
    }

    /** {@return {@code true}: the server knows no virtual-host buckets, so clients must use path-style URLs} */
    public boolean pathStyle() {
        return true;
    }

    @Override
    public String toString() {
        // the secret key stays out of logs
        return "S3Bucket[" + bucket + " at " + endpoint + ", accessKey=" + accessKey + "]";
    }
}

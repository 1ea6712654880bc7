package dev.sluice.sink.s3;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how the sink reaches S3, as the builder checked it. Immutable; {@link #toString()} masks the secret.
 *
 * @param accessKey null for the SDK's default credential chain
 * @param region null for the SDK's default region chain ({@code us-east-1} when an endpoint is set)
 */
record S3Settings(
        String bucket,
        String prefix,
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        long multipartThreshold,
        long partSize,
        int maxAttempts,
        Duration requestTimeout) {

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint)
                + (region == null ? "" : ", region " + region) + (pathStyle ? ", path-style" : "")
                + (accessKey == null ? ", default credentials" : ", accessKey=" + accessKey + ", secretKey=****");
    }
}

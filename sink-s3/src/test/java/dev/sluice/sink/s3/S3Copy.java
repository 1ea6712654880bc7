package dev.sluice.sink.s3;

import dev.sluice.testkit.S3Bucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Test access to a bucket: a client, the keys under a prefix, a local copy for DuckDB to read. */
final class S3Copy {

    private S3Copy() {}

    static S3Client client(S3Bucket bucket) {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(bucket.endpoint())
                .forcePathStyle(true).region(Region.of(bucket.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey())))
                .build();
    }

    static List<String> keys(S3Bucket bucket, String prefix) {
        try (S3Client s3 = client(bucket)) {
            List<String> keys = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket.bucket()).prefix(prefix))
                    .contents()) {
                keys.add(object.key());
            }
            return keys;
        }
    }

    /** Copies every object under the prefix into a folder, keeping the key's path below the prefix. */
    static void download(S3Bucket bucket, String prefix, Path folder) throws IOException {
        try (S3Client s3 = client(bucket)) {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket.bucket()).prefix(prefix))
                    .contents()) {
                Path target = folder.resolve(object.key().substring(prefix.length()));
                Files.createDirectories(target.getParent());
                Files.write(target, s3.getObjectAsBytes(b -> b.bucket(bucket.bucket()).key(object.key()))
                        .asByteArray());
            }
        }
    }

    static void delete(S3Bucket bucket, String key) {
        try (S3Client client = client(bucket)) {
            client.deleteObject(b -> b.bucket(bucket.bucket()).key(key));
        }
    }

    static String text(S3Bucket bucket, String key) {
        try (S3Client client = client(bucket)) {
            return client.getObjectAsBytes(b -> b.bucket(bucket.bucket()).key(key)).asUtf8String();
        }
    }
}

package dev.sluice.difftest;

import dev.sluice.testkit.S3Bucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Copies a bucket prefix into a folder with a plain S3 client, for DuckDB to read (it has no S3 access here). */
final class S3Files {

    private S3Files() {}

    static void download(S3Bucket bucket, String prefix, Path folder) throws IOException {
        try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(bucket.endpoint()).forcePathStyle(true).region(Region.of(bucket.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey())))
                .build()) {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket.bucket()).prefix(prefix))
                    .contents()) {
                Path target = folder.resolve(object.key().substring(prefix.length()));
                Files.createDirectories(target.getParent());
                Files.write(target, s3.getObjectAsBytes(b -> b.bucket(bucket.bucket()).key(object.key()))
                        .asByteArray());
            }
        }
    }
}

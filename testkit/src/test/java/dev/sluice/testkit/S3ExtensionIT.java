package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(S3Extension.class)
class S3ExtensionIT {

    private static final Set<String> testBuckets = ConcurrentHashMap.newKeySet();

    static S3Client client(S3Bucket bucket) {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(bucket.endpoint())
                .forcePathStyle(bucket.pathStyle())
                .region(Region.of(bucket.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(bucket.accessKey(), bucket.secretKey())))
                .build();
    }

    @Test
    void putListGetThroughTheAwsSdk(S3Bucket bucket) {
        testBuckets.add(bucket.bucket());
        try (S3Client s3 = client(bucket)) {
            s3.putObject(b -> b.bucket(bucket.bucket()).key("orders/part-0.parquet"),
                    RequestBody.fromString("first", StandardCharsets.UTF_8));
            s3.putObject(b -> b.bucket(bucket.bucket()).key("orders/part-1.parquet"),
                    RequestBody.fromString("second", StandardCharsets.UTF_8));

            assertThat(s3.listObjectsV2(b -> b.bucket(bucket.bucket()).prefix("orders/")).contents())
                    .extracting(S3Object::key)
                    .containsExactly("orders/part-0.parquet", "orders/part-1.parquet");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket.bucket()).key("orders/part-1.parquet"))
                    .asString(StandardCharsets.UTF_8)).isEqualTo("second");
        }
    }

    @Test
    void eachTestGetsAnEmptyBucketOfItsOwn(S3Bucket bucket) {
        testBuckets.add(bucket.bucket());
        assertThat(bucket.bucket()).startsWith("sluice-t-s3extensionit-");
        assertThat(bucket.endpoint().toString()).startsWith("http://127.0.0.1:");
        try (S3Client s3 = client(bucket)) {
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket.bucket())).contents()).isEmpty();
            s3.putObject(b -> b.bucket(bucket.bucket()).key("left-behind"), RequestBody.fromString("x"));
        }
    }

    @Test
    void multipartUploadHeadAndBatchDeleteWork(S3Bucket bucket) {
        testBuckets.add(bucket.bucket());
        String key = "orders/big.parquet";
        byte[] part1 = new byte[5 * 1024 * 1024];
        Arrays.fill(part1, (byte) 'a');
        byte[] part2 = "tail".getBytes(StandardCharsets.UTF_8);
        try (S3Client s3 = client(bucket)) {
            String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket.bucket()).key(key)).uploadId();
            String etag1 = s3.uploadPart(b -> b.bucket(bucket.bucket()).key(key).uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(part1)).eTag();
            String etag2 = s3.uploadPart(b -> b.bucket(bucket.bucket()).key(key).uploadId(uploadId).partNumber(2),
                    RequestBody.fromBytes(part2)).eTag();
            s3.completeMultipartUpload(b -> b.bucket(bucket.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag1).build(),
                            CompletedPart.builder().partNumber(2).eTag(etag2).build())));

            assertThat(s3.headObject(b -> b.bucket(bucket.bucket()).key(key)).contentLength())
                    .isEqualTo(part1.length + part2.length);
            s3.deleteObjects(b -> b.bucket(bucket.bucket())
                    .delete(d -> d.objects(ObjectIdentifier.builder().key(key).build())));
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket.bucket())).contents()).isEmpty();
        }
    }

    @AfterAll
    static void everyTestHadItsOwnBucketAndNoneIsLeft(S3Bucket bucket) {
        assertThat(testBuckets).hasSize(3).doesNotContain(bucket.bucket());
        try (S3Client s3 = client(bucket)) {
            assertThat(s3.listBuckets().buckets()).extracting(Bucket::name)
                    .contains(bucket.bucket())
                    .doesNotContainAnyElementsOf(testBuckets);
        }
    }
}

package dev.sluice.sink.s3;

import dev.sluice.CommitStateUnknownException;
import dev.sluice.FatalException;
import dev.sluice.RetriableException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 bucket and prefix as object store, over the AWS SDK v2 with the URL-connection HTTP client. Throttling,
 * 5xx answers and connection faults are retried by the SDK with backoff ({@code maxAttempts}); what is still
 * failing after that becomes a {@link RetriableException}, and the pipeline recovers from its last commit.
 * Files above the multipart threshold are sent as a multipart upload, which becomes visible only when completed.
 */
final class S3ObjectStore implements ObjectStore {

    /** The largest object one CopyObject copies; larger files are copied in parts (UploadPartCopy). */
    static final long COPY_LIMIT = 5L << 30;

    private final S3Settings settings;
    private final String root;
    private final Duration lease;
    private final long copyLimit;
    private S3Client client;

    S3ObjectStore(S3Settings settings, Duration lease) {
        this(settings, lease, COPY_LIMIT);
    }

    /** With another copy limit, so that tests can copy in parts without writing gigabytes. */
    S3ObjectStore(S3Settings settings, Duration lease, long copyLimit) {
        this.settings = settings;
        this.root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        this.lease = lease;
        this.copyLimit = copyLimit;
    }

    private synchronized S3Client client() {
        if (client == null) {
            S3ClientBuilder builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(settings.requestTimeout())
                            .socketTimeout(settings.requestTimeout())
                            .build())
                    .forcePathStyle(settings.pathStyle())
                    .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(settings.maxAttempts())));
            if (settings.endpoint() != null) {
                builder.endpointOverride(settings.endpoint());
            }
            if (settings.region() != null) {
                builder.region(Region.of(settings.region()));
            } else if (settings.endpoint() != null) {
                builder.region(Region.US_EAST_1);
            }
            builder.credentialsProvider(settings.accessKey() != null
                    ? StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                    : DefaultCredentialsProvider.builder().build());
            try {
                client = builder.build();
            } catch (SdkClientException e) {
                throw new FatalException("cannot set up the S3 client for " + settings + ": " + e.getMessage()
                        + ". Fix: set the region with ParquetSink.builder().region(…) or AWS_REGION.", e);
            }
        }
        return client;
    }

    @Override
    public void check() {
        call("reach bucket " + settings.bucket(), () -> client().headBucket(b -> b.bucket(settings.bucket())));
    }

    @Override
    public void upload(Path file, String key) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new RetriableException("cannot read the spooled file " + file + ": " + e, e);
        }
        if (size <= settings.multipartThreshold()) {
            call("upload " + key, () -> client().putObject(b -> b.bucket(settings.bucket()).key(root + key),
                    RequestBody.fromFile(file)));
        } else {
            multipart(file, size, key);
        }
    }

    private void multipart(Path file, long size, String key) {
        String uploadId = call("start the upload of " + key, () -> client().createMultipartUpload(
                b -> b.bucket(settings.bucket()).key(root + key)).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = settings.partSize();
            for (int number = 1; (number - 1) * partSize < size; number++) {
                long start = (number - 1) * partSize;
                long length = Math.min(partSize, size - start);
                int partNumber = number;
                String etag = call("upload part " + number + " of " + key, () -> client().uploadPart(
                        b -> b.bucket(settings.bucket()).key(root + key).uploadId(uploadId).partNumber(partNumber)
                                .contentLength(length),
                        RequestBody.fromContentProvider(() -> slice(file, start, length), length,
                                "application/octet-stream")).eTag());
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            call("complete the upload of " + key, () -> client().completeMultipartUpload(b -> b
                    .bucket(settings.bucket()).key(root + key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
        } catch (RuntimeException e) {
            try {
                client().abortMultipartUpload(b -> b.bucket(settings.bucket()).key(root + key).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort); // a bucket lifecycle rule for incomplete uploads cleans up what is left
            }
            throw e;
        }
    }

    private static InputStream slice(Path file, long start, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            return new FilterInputStream(Channels.newInputStream(channel)) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    left -= b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buffer, off, (int) Math.min(len, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void put(String key, byte[] content) {
        try {
            call("write " + key, () -> client().putObject(b -> b.bucket(settings.bucket()).key(root + key),
                    RequestBody.fromBytes(content)));
        } catch (RetriableException e) {
            throw new CommitStateUnknownException("the write of " + key + " to " + settings + " may or may not have"
                    + " happened: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean create(String key, byte[] content) {
        try {
            return call("create " + key, () -> {
                try {
                    client().putObject(b -> b.bucket(settings.bucket()).key(root + key).ifNoneMatch("*"),
                            RequestBody.fromBytes(content));
                    return true;
                } catch (S3Exception e) {
                    if (e.statusCode() != 412 && e.statusCode() != 409) {
                        throw e;
                    }
                    // taken, unless by our own request whose first answer was lost and that the client retried
                    try {
                        byte[] there = client().getObjectAsBytes(b -> b.bucket(settings.bucket()).key(root + key))
                                .asByteArray();
                        return Arrays.equals(there, content);
                    } catch (NoSuchKeyException gone) {
                        return false;
                    }
                }
            });
        } catch (RetriableException e) {
            throw new CommitStateUnknownException("the write of " + key + " to " + settings + " may or may not have"
                    + " happened: " + e.getMessage(), e);
        }
    }

    @Override
    public WriterFence fence(String pipeline, String writer, Clock clock) {
        return S3Lease.acquire(this, Keys.pipelineFolder(pipeline) + "lease.json", pipeline, writer, clock, lease);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(call("read " + key, () -> {
            try {
                return client().getObjectAsBytes(b -> b.bucket(settings.bucket()).key(root + key)).asByteArray();
            } catch (NoSuchKeyException missing) {
                return null;
            }
        }));
    }

    @Override
    public List<String> list(String prefix) {
        return call("list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (S3Object object : client().listObjectsV2Paginator(
                    b -> b.bucket(settings.bucket()).prefix(root + prefix)).contents()) {
                keys.add(object.key().substring(root.length()));
            }
            keys.sort(null);
            return keys;
        });
    }

    @Override
    public void promote(String from, String to, long bytes) {
        boolean copied = call("copy " + from + " to " + to, () -> {
            try {
                if (bytes > copyLimit) {
                    copyInParts(from, to, bytes);
                } else {
                    client().copyObject(b -> b.sourceBucket(settings.bucket()).sourceKey(root + from)
                            .destinationBucket(settings.bucket()).destinationKey(root + to));
                }
                return true;
            } catch (NoSuchKeyException missing) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false; // UploadPartCopy of a missing source
                }
                throw e;
            }
        });
        if (copied) {
            delete(from);
            return;
        }
        boolean done = call("check " + to, () -> {
            try {
                client().headObject(b -> b.bucket(settings.bucket()).key(root + to));
                return true;
            } catch (NoSuchKeyException missing) {
                return false;
            }
        });
        if (!done) {
            throw new FatalException("the committed file " + root + to + " is missing in bucket "
                    + settings.bucket() + ", and so is its staged copy " + root + from + ": something deleted"
                    + " them. Fix: restore them, or delete the pipeline's records under " + root
                    + "_sluice/ and start over.");
        }
    }

    /** A server-side copy of a file larger than one CopyObject allows, as a multipart upload of copied ranges. */
    private void copyInParts(String from, String to, long bytes) {
        String uploadId = client().createMultipartUpload(b -> b.bucket(settings.bucket()).key(root + to)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = Math.max(settings.partSize(), Math.min(copyLimit, (bytes + 9_999) / 10_000));
            for (int number = 1; (number - 1) * partSize < bytes; number++) {
                long start = (number - 1) * partSize;
                long end = Math.min(bytes, start + partSize) - 1;
                int partNumber = number;
                String etag = client().uploadPartCopy(b -> b.sourceBucket(settings.bucket()).sourceKey(root + from)
                        .destinationBucket(settings.bucket()).destinationKey(root + to).uploadId(uploadId)
                        .partNumber(partNumber).copySourceRange("bytes=" + start + "-" + end))
                        .copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client().completeMultipartUpload(b -> b.bucket(settings.bucket()).key(root + to).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            try {
                client().abortMultipartUpload(b -> b.bucket(settings.bucket()).key(root + to).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> client().deleteObject(b -> b.bucket(settings.bucket()).key(root + key)));
    }

    @Override
    public Optional<Path> spoolFolder(String pipeline) {
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // closing a client whose connections are already gone
            }
            client = null;
        }
    }

    private void call(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw S3Errors.translate("cannot " + what + " in " + settings, settings, e);
        } catch (UncheckedIOException e) {
            throw new RetriableException("cannot " + what + " in " + settings + ": " + e.getCause(), e);
        }
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}

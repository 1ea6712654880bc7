package dev.sluice.spring.boot;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * {@code sluice.pipelines.<name>.sink.*}: the sink and its main options. Options left out keep the sink builder's
 * defaults; an option the sink type does not take fails the start. Immutable.
 *
 * @param type {@code parquet} (the default) or {@code jdbc}
 * @param folder Parquet: a local folder to write to; give either this or {@code s3.bucket}
 * @param s3 Parquet: an S3 (or S3-compatible) bucket to write to
 * @param compression Parquet: {@code zstd} (default), {@code snappy} or {@code gzip}
 * @param maxFileRows Parquet: the most rows per file
 * @param maxFileBytes Parquet: the largest file, e.g. {@code 256MB}
 * @param maxFileAge Parquet: the longest a file stays open
 * @param url JDBC: the target database's JDBC URL
 * @param user JDBC: the target database user
 * @param password JDBC: the user's password (default empty)
 * @param tableNaming JDBC: {@code same-name} (default) or {@code namespace-and-name}
 */
public record SinkProperties(
        Type type,
        Path folder,
        S3 s3,
        String compression,
        Long maxFileRows,
        DataSize maxFileBytes,
        Duration maxFileAge,
        String url,
        String user,
        String password,
        TableNaming tableNaming) {

    /** The options, the password and the S3 secret key masked. */
    @Override
    public String toString() {
        return "SinkProperties[type=" + type + ", folder=" + folder + ", s3=" + s3 + ", compression=" + compression
                + ", maxFileRows=" + maxFileRows + ", maxFileBytes=" + maxFileBytes + ", maxFileAge=" + maxFileAge
                + ", url=" + url + ", user=" + user + ", password=" + Props.mask(password) + ", tableNaming="
                + tableNaming + "]";
    }

    /** The kinds of sink. */
    public enum Type {
        /** {@code dev.sluice:sluice-sink-s3}: Parquet files in a folder or an S3 bucket. */
        PARQUET,
        /** {@code dev.sluice:sluice-sink-jdbc}: upserts into PostgreSQL or MySQL/MariaDB. */
        JDBC
    }

    /** How the JDBC sink names its target tables. */
    public enum TableNaming {
        /** The source table's name, in the target's default schema. */
        SAME_NAME,
        /** The source's namespace and name joined, for same-named tables in two namespaces. */
        NAMESPACE_AND_NAME
    }

    /**
     * {@code sluice.pipelines.<name>.sink.s3.*}.
     *
     * @param bucket the bucket; required for S3
     * @param prefix the key prefix under which tables go (default none)
     * @param endpoint an S3-compatible endpoint, e.g. {@code http://minio:9000} (default AWS)
     * @param region the region (default from the AWS environment)
     * @param accessKey the access key; with {@code secret-key}, else the default AWS credential chain
     * @param secretKey the secret key
     * @param pathStyle path-style requests, as most S3-compatible stores need (default false)
     */
    public record S3(String bucket, String prefix, URI endpoint, String region, String accessKey, String secretKey,
            boolean pathStyle) {

        /** The options, the secret key masked. */
        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", accessKey=" + accessKey + ", secretKey=" + Props.mask(secretKey) + ", pathStyle=" + pathStyle
                    + "]";
        }
    }
}

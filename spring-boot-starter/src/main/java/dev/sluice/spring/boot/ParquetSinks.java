package dev.sluice.spring.boot;

import dev.sluice.sink.s3.Compression;
import dev.sluice.sink.s3.ParquetSink;
import java.util.Locale;

/** The Parquet sink from its properties; loaded only when a pipeline writes Parquet. */
final class ParquetSinks {

    private ParquetSinks() {}

    static ParquetSink build(String at, SinkProperties p) {
        String jdbcOnly = "it is an option of the JDBC sink (type: jdbc)";
        Props.refuse(p.url(), at + ".url", jdbcOnly);
        Props.refuse(p.user(), at + ".user", jdbcOnly);
        Props.refuse(p.password(), at + ".password", jdbcOnly);
        Props.refuse(p.tableNaming(), at + ".table-naming", jdbcOnly);
        SinkProperties.S3 s3 = p.s3();
        boolean toS3 = s3 != null && s3.bucket() != null;
        if (toS3 == (p.folder() != null)) {
            throw new IllegalArgumentException(at + ": give either folder (a local folder) or s3.bucket, "
                    + (toS3 ? "not both" : "one of them is required"));
        }
        ParquetSink.Builder builder = ParquetSink.builder();
        if (p.compression() != null) {
            builder.compression(compression(at, p.compression()));
        }
        if (p.maxFileRows() != null) {
            builder.maxFileRows(p.maxFileRows());
        }
        if (p.maxFileBytes() != null) {
            builder.maxFileBytes(p.maxFileBytes().toBytes());
        }
        if (p.maxFileAge() != null) {
            builder.maxFileAge(p.maxFileAge());
        }
        if (!toS3) {
            return builder.localFolder(p.folder()).build();
        }
        builder.s3(s3.bucket(), s3.prefix() == null ? "" : s3.prefix());
        if (s3.endpoint() != null) {
            builder.endpoint(s3.endpoint());
        }
        if (s3.region() != null) {
            builder.region(s3.region());
        }
        builder.pathStyle(s3.pathStyle());
        if ((s3.accessKey() == null) != (s3.secretKey() == null)) {
            throw new IllegalArgumentException(at + ".s3: give both access-key and secret-key, or neither to use the"
                    + " default AWS credential chain");
        }
        if (s3.accessKey() != null) {
            builder.credentials(s3.accessKey(), s3.secretKey());
        }
        return builder.build();
    }

    private static Compression compression(String at, String name) {
        try {
            return Compression.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".compression must be zstd, snappy, gzip or none, not '" + name
                    + "'", e);
        }
    }
}

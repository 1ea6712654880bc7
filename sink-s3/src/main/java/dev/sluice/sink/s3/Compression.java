package dev.sluice.sink.s3;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How the {@link ParquetSink} compresses the pages of its Parquet files. Every choice is readable by DuckDB, Spark
 * and Trino. Compression runs in the sink's thread, with zstd-jni, snappy-java or {@code java.util.zip}: no Hadoop
 * codec is loaded.
 */
public enum Compression {
    /** Zstandard, level 3: the default, small files at a good speed. */
    ZSTD(CompressionCodecName.ZSTD),
    /** Snappy: faster, larger files. */
    SNAPPY(CompressionCodecName.SNAPPY),
    /** Gzip (deflate), level 6: for readers that know nothing newer. */
    GZIP(CompressionCodecName.GZIP),
    /** No compression. */
    NONE(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName codec;

    Compression(CompressionCodecName codec) {
        this.codec = codec;
    }

    CompressionCodecName codec() {
        return codec;
    }
}

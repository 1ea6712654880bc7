package dev.sluice.sink.s3;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop: parquet-java's own {@code CodecFactory} goes through Hadoop's codec
 * classes, this one calls zstd-jni, snappy-java and {@code java.util.zip} directly. Stateless, thread-safe.
 */
final class Codecs implements CompressionCodecFactory {

    static final Codecs INSTANCE = new Codecs();
    private static final int ZSTD_LEVEL = 3;

    private Codecs() {}

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return new Compressor(codec);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new Decompressor(codec);
    }

    @Override
    public void release() {}

    private static final class Compressor implements BytesInputCompressor {
        private final CompressionCodecName codec;

        Compressor(CompressionCodecName codec) {
            switch (codec) {
                case ZSTD, SNAPPY, GZIP, UNCOMPRESSED -> this.codec = codec;
                default -> throw new IllegalArgumentException("codec " + codec + " is not supported by ParquetSink:"
                        + " use Compression.ZSTD, SNAPPY, GZIP or NONE");
            }
        }

        @Override
        public BytesInput compress(BytesInput input) throws IOException {
            // a page is as large as its largest value: copies of it count (a 5 MB value makes a 5 MB page), so the
            // page is read into one exact array, and zstd's output is used where it lies instead of trimmed
            byte[] bytes = bytes(input);
            return switch (codec) {
                case ZSTD -> zstd(bytes);
                case SNAPPY -> BytesInput.from(Snappy.compress(bytes));
                case GZIP -> BytesInput.from(gzip(bytes));
                default -> BytesInput.from(bytes);
            };
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {}
    }

    /** The input's bytes in one array of its exact size (a {@code ByteArrayOutputStream} would copy them twice). */
    private static byte[] bytes(BytesInput input) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(input.size())];
        input.writeAllTo(new OutputStream() {
            private int at;

            @Override
            public void write(int b) {
                bytes[at++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.arraycopy(b, off, bytes, at, len);
                at += len;
            }
        });
        return bytes;
    }

    private static BytesInput zstd(byte[] bytes) throws IOException {
        byte[] out = new byte[Math.toIntExact(Zstd.compressBound(bytes.length))];
        long size = Zstd.compress(out, bytes, ZSTD_LEVEL);
        if (Zstd.isError(size)) {
            throw new IOException("zstd could not compress a page of " + bytes.length + " bytes: "
                    + Zstd.getErrorName(size));
        }
        return BytesInput.from(out, 0, (int) size);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.DEFAULT_COMPRESSION);
            }
        }) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    /** Decompression, for completeness of the factory (the sink itself never reads pages back). */
    private static final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName codec;

        Decompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput decompress(BytesInput input, int uncompressedSize) throws IOException {
            byte[] bytes = bytes(input);
            return switch (codec) {
                case ZSTD -> BytesInput.from(Zstd.decompress(bytes, uncompressedSize));
                case SNAPPY -> BytesInput.from(Snappy.uncompress(bytes));
                case GZIP -> BytesInput.from(gunzip(bytes, uncompressedSize));
                case UNCOMPRESSED -> BytesInput.from(bytes);
                default -> throw new IOException("codec " + codec + " is not supported");
            };
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(bytes(decompress(BytesInput.from(in), uncompressedSize)));
        }

        @Override
        public void release() {}
    }

    private static byte[] gunzip(byte[] bytes, int size) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readNBytes(size);
        }
    }
}

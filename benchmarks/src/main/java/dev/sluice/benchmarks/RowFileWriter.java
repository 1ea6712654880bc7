package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows ({@code Object[]}, one value per {@link RowColumn}, null allowed) to one local Parquet file with
 * {@code ParquetSink}'s default writer settings: zstd level 3, 32 MiB row groups, 1 MiB pages, dictionary
 * encoding. Hadoop-free ({@link PlainParquetConfiguration}, {@link LocalOutputFile}). The file is written under a
 * temporary name; {@link #commit()} closes it, forces it to disk and renames it into place, after which it is
 * durable and visible. Not thread-safe.
 */
final class RowFileWriter {

    static final long ROW_GROUP_SIZE = 32L << 20;
    static final int PAGE_SIZE = 1 << 20;

    private final Path target;
    private final Path temporary;
    private final ParquetWriter<Object[]> writer;
    private long rows;

    RowFileWriter(Path target, List<RowColumn> columns) throws IOException {
        this.target = target;
        this.temporary = target.resolveSibling(target.getFileName() + ".tmp");
        this.writer = new Builder(new LocalOutputFile(temporary), new Support(columns))
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(ZstdCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP_SIZE)
                .withPageSize(PAGE_SIZE)
                .withDictionaryEncoding(true)
                // as ParquetSink does: no dictionary for the per-row unique columns, no statistics on _position
                .withDictionaryEncoding("_seq", false)
                .withDictionaryEncoding("_position", false)
                .withStatisticsEnabled("_position", false)
                .build();
    }

    void write(Object[] row) throws IOException {
        writer.write(row);
        rows++;
    }

    long rows() {
        return rows;
    }

    /** Closes the file, forces it to disk and renames it to its final name; returns its size in bytes. */
    long commit() throws IOException {
        writer.close();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        return Files.size(target);
    }

    private static final class Support extends WriteSupport<Object[]> {
        private final List<RowColumn> columns;
        private final MessageType schema;
        private RecordConsumer out;

        Support(List<RowColumn> columns) {
            this.columns = columns;
            this.schema = new MessageType("row", columns.stream()
                    .map(c -> (org.apache.parquet.schema.Type) c.parquetType()).toList());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, new HashMap<>(Map.of("writer", "sluice-benchmarks")));
        }

        @Override
        @SuppressWarnings("deprecation") // required by the abstract class
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return new WriteContext(schema, new HashMap<>(Map.of("writer", "sluice-benchmarks")));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Object[] row) {
            out.startMessage();
            for (int i = 0; i < columns.size(); i++) {
                Object value = row[i];
                if (value == null) {
                    continue;
                }
                RowColumn column = columns.get(i);
                out.startField(column.name(), i);
                switch (column.kind()) {
                    case INT32 -> out.addInteger((Integer) value);
                    case INT64, DECIMAL64, TIMESTAMP_MICROS -> out.addLong((Long) value);
                    case DOUBLE -> out.addDouble((Double) value);
                    case BOOLEAN -> out.addBoolean((Boolean) value);
                    // array-backed, as Sluice's sink writes strings
                    case STRING, JSON -> out.addBinary(Binary.fromConstantByteArray(
                            ((String) value).getBytes(StandardCharsets.UTF_8)));
                }
                out.endField(column.name(), i);
            }
            out.endMessage();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final WriteSupport<Object[]> support;

        Builder(LocalOutputFile file, WriteSupport<Object[]> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        @SuppressWarnings("deprecation") // required by the abstract class; build() calls the other overload
        protected WriteSupport<Object[]> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}

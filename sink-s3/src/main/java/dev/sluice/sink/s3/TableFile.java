package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One open Parquet file of one table, one partition and one schema, being written to a {@link SpoolFile}. Not
 * thread-safe: the sink's thread only.
 */
final class TableFile {

    private static final long MAX_ROWS_BETWEEN_SIZE_CHECKS = 128;

    private final TableId table;
    private final Schema schema;
    private final String partition;
    private final SpoolFile spool;
    private final ParquetWriter<EventWriteSupport.Entry> writer;
    private final EventWriteSupport support;
    private final long openedMillis;
    private long rows;
    private long nextSizeCheck;
    private long firstSeq = -1;
    private long lastSeq = -1;
    /** The spool's size after the last write: it grows when parquet-java writes out a row group. */
    private long spooled;
    /** What the statistics of the row groups written out so far keep on the heap, until the file is finished. */
    private long statisticsBytes;

    TableFile(TableId table, Schema schema, String partition, MessageType messageType, Path spoolPath,
            FileSettings settings, long openedMillis) throws IOException {
        this.table = table;
        this.schema = schema;
        this.partition = partition;
        this.spool = new SpoolFile(spoolPath);
        this.openedMillis = openedMillis;
        Map<String, String> metadata = Map.of(
                "sluice.table", table.toString(),
                "sluice.schema", schema.toString());
        this.support = new EventWriteSupport(messageType, schema, settings.includeBefore(), metadata);
        this.writer = new Builder<>(spool, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(Codecs.INSTANCE)
                .withCompressionCodec(settings.compression().codec())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(settings.rowGroupSize())
                .withPageSize(settings.pageSize())
                .withDictionaryEncoding(true)
                // parquet-java checks its page and row group sizes after some rows, and estimates when to check
                // next from the average row so far: after small rows (a snapshot's truncate row has no values at
                // all) the next check is up to 10,000 rows away, and rows of MB-sized values arriving meanwhile
                // pile up in one page on the heap (135 MB in a 256 MB heap, LargeValuesIT). Checking after every
                // row bounds both in bytes whatever the values; a check sums a few counters per column.
                .withMinRowCountForPageSizeCheck(1)
                .withMaxRowCountForPageSizeCheck(1)
                // unique per row: a dictionary would only fill up and be thrown away; min/max of the position
                // text says nothing (it does not sort as positions do)
                .withDictionaryEncoding(ParquetSchemas.SEQ, false)
                .withDictionaryEncoding(ParquetSchemas.POSITION, false)
                .withStatisticsEnabled(ParquetSchemas.POSITION, false)
                .build();
        this.spooled = spool.written(); // the file's header
    }

    void write(ChangeEvent event, long seq) throws IOException {
        writer.write(new EventWriteSupport.Entry(event, seq));
        long written = spool.written();
        if (written != spooled) { // the row group this row ended was written out: its statistics stay
            spooled = written;
            statisticsBytes += support.takeStatisticsBytes();
        }
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        lastSeq = seq;
        rows++;
    }

    /**
     * True once the file's data (written plus buffered) reached {@code limit} bytes. The size sums every column's
     * buffers, so it is not computed after every row: the next check comes after half the rows that, at the
     * average row size so far, would still fit (at most {@link #MAX_ROWS_BETWEEN_SIZE_CHECKS}).
     */
    boolean reachedBytes(long limit) {
        if (rows < nextSizeCheck) {
            return false;
        }
        long size = writer.getDataSize();
        if (size >= limit) {
            return true;
        }
        long perRow = Math.max(1, size / Math.max(1, rows));
        nextSizeCheck = rows + Math.max(1, Math.min(MAX_ROWS_BETWEEN_SIZE_CHECKS, (limit - size) / perRow / 2));
        return false;
    }

    /**
     * Heap held by the file until it is finished: the current row group (its pages, compressed or being filled), and
     * the values that the statistics of every row group keep whole.
     */
    long bufferedBytes() {
        return Math.max(0, writer.getDataSize() - spool.written()) + statisticsBytes + support.statisticsBytes();
    }

    /** Writes the footer and closes the spool file; returns its size in bytes. */
    long finish() throws IOException {
        writer.close();
        return Files.size(spool.path());
    }

    /** Drops the file: closes what can be closed and deletes the spool file. Never throws. */
    void abort() {
        try {
            writer.close();
        } catch (IOException | RuntimeException ignored) {
            // the file is being thrown away; a writer that cannot close has nothing left to lose
        }
        try {
            Files.deleteIfExists(spool.path());
        } catch (IOException ignored) {
            // the spool folder is cleared at the next open
        }
    }

    TableId table() {
        return table;
    }

    Schema schema() {
        return schema;
    }

    String partition() {
        return partition;
    }

    Path spoolPath() {
        return spool.path();
    }

    long rows() {
        return rows;
    }

    long firstSeq() {
        return firstSeq;
    }

    long lastSeq() {
        return lastSeq;
    }

    long openedMillis() {
        return openedMillis;
    }

    /**
     * A {@code ParquetWriter} builder for any {@link WriteSupport} and {@link OutputFile}, with no Hadoop
     * {@code Configuration} involved (also used by the JMH benchmark's bare writer).
     */
    static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final WriteSupport<T> support;

        Builder(OutputFile file, WriteSupport<T> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        @SuppressWarnings("deprecation") // required by the abstract class; build() calls the other overload
        protected WriteSupport<T> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return support;
        }
    }
}

package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.OffsetStore;
import dev.sluice.PipelineContext;
import dev.sluice.testing.BenchRows;
import dev.sluice.testkit.SeqOffset;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Writing change events as Parquet: {@link ParquetSink} through its public API into a local folder, against a bare
 * parquet-java writer on the same values with the same settings (zstd level 3, 32 MiB row groups, 1 MiB pages,
 * dictionary encoding), so the ratio of the two is the sink's own cost. One operation is one row; an invocation
 * writes one batch of {@value #BATCH} insert events of the {@code bench} table ({@link BenchRows}); every
 * {@code batchesPerCommit} batches the work is made durable. Run with {@code scripts/jmh sink-s3}.
 *
 * <ul>
 *   <li>{@link #sink}: {@code write(batch)}, and every {@code batchesPerCommit} batches (or sooner, when the sink
 *       asks for it) {@code flush()} and a save through the sink's own offset store, as the pipeline does: the
 *       file is finished, staged, committed with a commit record and moved to its final name, with the forces to
 *       disk that takes. Partitioned by day (the default); the events' commit times are all in one day.
 *   <li>{@link #bare}: a {@code ParquetWriter} with a minimal {@code WriteSupport} over {@code Object[]} rows,
 *       the file closed and a new one opened every {@code batchesPerCommit} batches (no copy, no rename, no force).
 *       {@code columns=table} writes the table's 10 columns only; {@code columns=all} also the sink's metadata
 *       columns {@code _op}, {@code _commit_ts}, {@code _position}, {@code _seq}, {@code _tx} from values made in
 *       the set-up, so only the sink's machinery is left in the difference.
 * </ul>
 *
 * <p>{@value #DISTINCT_BATCHES} different batches (50,000 distinct rows) are built once and written in turn, so the
 * dictionaries and the compression see realistic data rather than one batch over and over.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParquetSinkBenchmark {

    static final int BATCH = 1000;
    static final int DISTINCT_BATCHES = 50;
    private static final String PIPELINE = "jmh";

    /** The batches every state writes, built once. */
    @State(Scope.Benchmark)
    public static class Batches {
        List<List<ChangeEvent>> batches;

        @Setup(Level.Trial)
        public void build() {
            batches = new ArrayList<>(DISTINCT_BATCHES);
            long g = 1;
            for (int b = 0; b < DISTINCT_BATCHES; b++) {
                List<ChangeEvent> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++, g++) {
                    batch.add(BenchRows.insert(g, new SeqOffset(g)));
                }
                batches.add(List.copyOf(batch));
            }
        }
    }

    /** A sink open on a temporary folder, with its offset store. */
    @State(Scope.Thread)
    public static class SinkState {
        @Param({"50"})
        public int batchesPerCommit;

        Path folder;
        ParquetSink sink;
        OffsetStore offsets;
        int next;
        int sinceCommit;

        @Setup(Level.Trial)
        public void open(Batches batches) throws IOException {
            folder = Files.createTempDirectory("sluice-jmh-sink");
            sink = ParquetSink.builder().localFolder(folder.resolve("lake")).spoolFolder(folder.resolve("spool"))
                    .build();
            sink.open(PipelineContext.of(PIPELINE, Clock.systemUTC()).withExactlyOnce());
            offsets = Runs.store(sink);
            // one commit before measuring, to know that it lands where expected
            List<ChangeEvent> first = batches.batches.get(0);
            sink.write(first);
            commit(first);
            try (Stream<Path> files = Files.walk(folder.resolve("lake"))) {
                if (files.noneMatch(p -> p.getFileName().toString().endsWith(".parquet"))) {
                    throw new IllegalStateException("no Parquet file under " + folder + " after a commit");
                }
            }
        }

        void commit(List<ChangeEvent> lastBatch) {
            sink.flush();
            offsets.save(PIPELINE, lastBatch.get(lastBatch.size() - 1).offset().encode());
            sinceCommit = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            sink.close();
            deleteRecursively(folder);
        }
    }

    /** A bare parquet-java writer on the sink's column types, rotated as often as the sink commits. */
    @State(Scope.Thread)
    public static class BareState {
        @Param({"table", "all"})
        public String columns;

        @Param({"50"})
        public int batchesPerCommit;

        Path folder;
        MessageType messageType;
        Object[][][] rows;
        ParquetWriter<Object[]> writer;
        int files;
        int next;
        int sinceCommit;

        @Setup(Level.Trial)
        public void open(Batches batches) throws IOException {
            folder = Files.createTempDirectory("sluice-jmh-bare");
            MessageType all = ParquetSchemas.messageType(BenchRows.TABLE, BenchRows.SCHEMA, false, List.of());
            int width = columns.equals("all") ? BenchRows.SCHEMA.size() + 5 : BenchRows.SCHEMA.size();
            messageType = new MessageType("bench", all.getFields().subList(0, width));
            rows = new Object[DISTINCT_BATCHES][BATCH][];
            long seq = 1;
            for (int b = 0; b < DISTINCT_BATCHES; b++) {
                for (int i = 0; i < BATCH; i++, seq++) {
                    ChangeEvent event = batches.batches.get(b).get(i);
                    List<Object> values = new ArrayList<>(event.after().values());
                    if (width > values.size()) {
                        values.add(String.valueOf(event.op().code()));
                        values.add(event.commitTime());
                        values.add(event.offset().encode());
                        values.add(seq);
                        values.add(event.transactionId());
                    }
                    rows[b][i] = values.toArray();
                }
            }
            rotate();
        }

        void rotate() throws IOException {
            if (writer != null) {
                writer.close();
            }
            writer = new TableFile.Builder<>(new LocalOutputFile(folder.resolve("part-" + files++ + ".parquet")),
                    new RowWriteSupport(messageType))
                    .withConf(new PlainParquetConfiguration())
                    .withCodecFactory(Codecs.INSTANCE)
                    .withCompressionCodec(CompressionCodecName.ZSTD)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withRowGroupSize(32L << 20)
                    .withPageSize(1 << 20)
                    .withDictionaryEncoding(true)
                    // the sink's per-column settings (TableFile); harmless when the columns are absent
                    .withDictionaryEncoding(ParquetSchemas.SEQ, false)
                    .withDictionaryEncoding(ParquetSchemas.POSITION, false)
                    .withStatisticsEnabled(ParquetSchemas.POSITION, false)
                    .build();
            sinceCommit = 0;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            writer.close();
            deleteRecursively(folder);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sink(SinkState state, Batches batches) {
        List<ChangeEvent> batch = batches.batches.get(state.next);
        state.next = (state.next + 1) % DISTINCT_BATCHES;
        state.sink.write(batch);
        if (++state.sinceCommit >= state.batchesPerCommit || state.sink.wantsFlush()) {
            state.commit(batch);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void bare(BareState state, Blackhole bh) throws IOException {
        Object[][] batch = state.rows[state.next];
        state.next = (state.next + 1) % DISTINCT_BATCHES;
        for (Object[] row : batch) {
            state.writer.write(row);
        }
        if (++state.sinceCommit >= state.batchesPerCommit) {
            state.rotate();
        }
        bh.consume(state.writer.getDataSize());
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Writes Object[] rows positionally: the Java types of the bench values, as the sink maps them. */
    static final class RowWriteSupport extends WriteSupport<Object[]> {
        private final MessageType messageType;
        private final String[] names;
        private RecordConsumer out;

        RowWriteSupport(MessageType messageType) {
            this.messageType = messageType;
            this.names = messageType.getFields().stream().map(org.apache.parquet.schema.Type::getName)
                    .toArray(String[]::new);
        }

        @Override
        @SuppressWarnings("deprecation") // required by the abstract class; never called here
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return new WriteContext(messageType, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(messageType, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Object[] row) {
            out.startMessage();
            for (int i = 0; i < row.length; i++) {
                Object value = row[i];
                if (value == null) {
                    continue;
                }
                out.startField(names[i], i);
                if (value instanceof Long v) {
                    out.addLong(v);
                } else if (value instanceof Integer v) {
                    out.addInteger(v);
                } else if (value instanceof Double v) {
                    out.addDouble(v);
                } else if (value instanceof BigDecimal v) {
                    out.addLong(v.unscaledValue().longValueExact());
                } else if (value instanceof Instant v) {
                    out.addLong(EventWriteSupport.micros(v));
                } else if (value instanceof Boolean v) {
                    out.addBoolean(v);
                } else {
                    out.addBinary(Binary.fromString((String) value));
                }
                out.endField(names[i], i);
            }
            out.endMessage();
        }
    }
}

package dev.sluice.benchmarks;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One run of the Debezium embedded engine (the async engine, Connect records) into Parquet files written by
 * {@link RowFileWriter}. A file is committed (closed, forced, renamed) when the commit interval has passed at the
 * end of a batch, or when the expected number of events is in it; only then is the batch's last record marked
 * processed and the offsets flushed ({@code offset.flush.interval.ms=0}): offsets never run ahead of durable data.
 */
final class DebeziumRun {

    private DebeziumRun() {}

    /** Runs until {@code spec.expected()} events are durable; returns the bytes written. */
    static long run(RunSpec spec) throws Exception {
        Path data = Files.createDirectories(spec.output().resolve("data"));
        Writer writer = new Writer(data, spec.expected(), spec.commitMillis());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties(spec))
                .notifying(writer)
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(error != null ? error : new IllegalStateException(message));
                    }
                    ended.countDown();
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            executor.execute(engine);
            while (!writer.done.await(200, TimeUnit.MILLISECONDS)) {
                if (ended.getCount() == 0) {
                    throw new IllegalStateException("Debezium stopped after " + writer.durable + " of "
                            + spec.expected() + " events", failure.get());
                }
            }
        } finally {
            try {
                engine.close();
            } catch (IllegalStateException alreadyStopped) {
                // the engine stopped on its own (a failure, reported above)
            }
            executor.shutdown();
            executor.awaitTermination(60, TimeUnit.SECONDS);
        }
        if (writer.error != null) {
            throw new IllegalStateException("writing Parquet failed", writer.error);
        }
        return writer.bytes;
    }

    private static Properties properties(RunSpec spec) {
        Properties p = new Properties();
        p.setProperty("name", "bench-" + spec.slot());
        p.setProperty("topic.prefix", "bench");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", spec.output().resolve("offsets.dat").toString());
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", spec.server().host());
        p.setProperty("database.port", Integer.toString(spec.server().port()));
        p.setProperty("database.user", spec.server().user());
        p.setProperty("database.password", spec.server().password());
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "precise");
        if (spec.tuned()) {
            p.setProperty("max.batch.size", "8192");
            p.setProperty("max.queue.size", "32768");
            // the same byte bound as Sluice's queue (32 MiB): unbounded (the default), 32,768 records of W4's
            // ~8 KB JSON (16 KB and more per MariaDB update) do not fit a 256 MiB heap
            p.setProperty("max.queue.size.in.bytes", Long.toString(32L << 20));
            p.setProperty("poll.interval.ms", "50");
        }
        if (spec.postgres()) {
            p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            p.setProperty("database.dbname", spec.dbName());
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("slot.name", spec.slot());
            p.setProperty("publication.name", spec.publication());
            p.setProperty("publication.autocreate.mode", "disabled");
            p.setProperty("table.include.list", "public.bench");
            p.setProperty("snapshot.mode", spec.workload().snapshot() ? "initial" : "no_data");
        } else {
            p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
            p.setProperty("database.server.id", spec.slot());
            p.setProperty("database.include.list", spec.dbName());
            p.setProperty("table.include.list", spec.dbName() + ".bench");
            p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
            p.setProperty("schema.history.internal.file.filename",
                    spec.output().resolve("schema-history.dat").toString());
            p.setProperty("include.schema.changes", "false");
            // by default the snapshot reads the DDL of every database on the server, and fails when another
            // client drops one of them meanwhile (test databases come and go on a shared server)
            p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
            p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
            p.setProperty("snapshot.locking.mode", "none");
            if (spec.workload().snapshot()) {
                p.setProperty("snapshot.mode", "initial");
            } else {
                // start at the backlog's first position; "recovery" rebuilds the schema history from the table
                p.setProperty("snapshot.mode", "recovery");
                p.setProperty("offset.storage", SeededOffsetStore.class.getName());
                SeededOffsetStore.seed(p.getProperty("name"), "bench", spec.publication());
            }
        }
        return p;
    }

    /** Writes batches into the current file and commits files; runs on the engine's thread. */
    private static final class Writer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
        private final Path folder;
        private final long expected;
        private final long commitMillis;
        final CountDownLatch done = new CountDownLatch(1);
        private DebeziumRows rows;
        private RowFileWriter file;
        private long openedAt;
        private long seq;
        private int files;
        volatile long durable;
        volatile long bytes;
        volatile Throwable error;

        Writer(Path folder, long expected, long commitMillis) {
            this.folder = folder;
            this.expected = expected;
            this.commitMillis = commitMillis;
        }

        @Override
        public void handleBatch(java.util.List<RecordChangeEvent<SourceRecord>> records,
                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            try {
                for (RecordChangeEvent<SourceRecord> event : records) {
                    SourceRecord record = event.record();
                    if (!DebeziumRows.isChange(record)) {
                        continue;
                    }
                    if (rows == null) {
                        rows = new DebeziumRows(record);
                    }
                    Object[] row = rows.row(record, seq + 1);
                    if (file == null) {
                        file = new RowFileWriter(folder.resolve(String.format("part-%05d.parquet", files++)),
                                rows.columns());
                        openedAt = System.currentTimeMillis();
                    }
                    file.write(row);
                    seq++;
                }
                long written = seq;
                boolean due = file != null && (written >= expected
                        || System.currentTimeMillis() - openedAt >= commitMillis);
                if (due) {
                    bytes += file.commit();
                    file = null;
                    committer.markProcessed(records.get(records.size() - 1));
                    committer.markBatchFinished();
                    durable = written;
                    if (written >= expected) {
                        done.countDown();
                    }
                }
            } catch (IOException | RuntimeException e) {
                error = e;
                done.countDown();
                throw new IllegalStateException("cannot write the Debezium records to Parquet", e);
            }
        }
    }
}

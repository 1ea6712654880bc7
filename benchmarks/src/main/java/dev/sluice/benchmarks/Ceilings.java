package dev.sluice.benchmarks;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The physical ceilings the systems are compared against, each measured in the benchmark run itself: the
 * PostgreSQL log read by {@code pg_recvlogical} (pgoutput) into /dev/null, the MariaDB binlog read by
 * {@code mariadb-binlog} into /dev/null and by a {@code BinaryLogClient} whose listener only counts rows, and a bare
 * parquet-java writer on pre-built rows. (The snapshot ceiling, {@code COPY … TO STDOUT (FORMAT binary)}, is {@link PgFixture#copyBinary()}.)
 */
final class Ceilings {

    /** Held so the level sticks: the binlog client logs every connect at INFO through java.util.logging. */
    private static final java.util.logging.Logger BINLOG_CLIENT_LOG =
            java.util.logging.Logger.getLogger(BinaryLogClient.class.getName());

    private Ceilings() {}

    /** Where {@code pg_recvlogical} is: {@code SLUICE_PG_BIN}, else the Debian PostgreSQL 15 folder, else PATH. */
    static String pgRecvLogical() {
        String bin = System.getenv("SLUICE_PG_BIN");
        Path debian = Path.of("/usr/lib/postgresql/15/bin/pg_recvlogical");
        if (bin != null && !bin.isEmpty()) {
            return Path.of(bin, "pg_recvlogical").toString();
        }
        return Files.isExecutable(debian) ? debian.toString() : "pg_recvlogical";
    }

    /**
     * Streams slot {@code slot} with pgoutput (protocol 1, publication {@code publication}) from its position to
     * {@code endLsn} into /dev/null; returns the milliseconds it took.
     */
    static long recvLogical(RunSpec.Server server, String database, String slot, String publication, String endLsn)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(pgRecvLogical(), "-h", server.host(), "-p",
                Integer.toString(server.port()), "-U", server.user(), "-d", database, "--slot", slot, "--start",
                "--endpos", endLsn, "--no-loop", "-o", "proto_version=1", "-o", "publication_names=" + publication,
                "-f", "/dev/null"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", server.password());
        long t0 = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("pg_recvlogical failed (" + String.join(" ", command) + "): " + output);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Reads the binlog files {@code files} from {@code startPosition} in the first to {@code stopPosition} in the
     * last with {@code mariadb-binlog --read-from-remote-server} into /dev/null; returns the milliseconds it took.
     */
    static long mariadbBinlog(RunSpec.Server server, List<String> files, String startPosition, String stopPosition)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mariadb-binlog", "--read-from-remote-server",
                "--host=" + server.host(), "--port=" + server.port(), "--user=" + server.user(),
                "--start-position=" + startPosition, "--stop-position=" + stopPosition, "--result-file=/dev/null"));
        command.addAll(files);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MYSQL_PWD", server.password());
        long t0 = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("mariadb-binlog failed (" + String.join(" ", command) + "): " + output);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Reads the binlog from {@code file}:{@code position} with mysql-binlog-connector-java's {@link BinaryLogClient}
     * (the library and version Sluice's MariaDB source uses), as replica {@code serverId}, with the library's default
     * deserializer: every event is deserialized, row values included (its default {@code CompatibilityMode}s, not
     * the exact row readers Sluice installs). The only listener counts the rows of the row events of table
     * {@code database.bench} (other databases' events on a shared server are read but not counted) and the read
     * stops when {@code rows} were seen. Returns the milliseconds from connecting to the last row.
     */
    static long binaryLogClient(RunSpec.Server server, long serverId, String file, long position, String database,
            long rows) throws IOException, InterruptedException, TimeoutException {
        String jar = String.valueOf(BinaryLogClient.class.getProtectionDomain().getCodeSource().getLocation());
        if (jar.contains("/io/debezium/")) {
            throw new IllegalStateException("the no-op BinaryLogClient ceiling would measure Debezium's fork of the"
                    + " binlog client (" + jar + "), not the library Sluice uses: put"
                    + " com.zendesk:mysql-binlog-connector-java before io.debezium's on the class path");
        }
        BINLOG_CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
        BinaryLogClient client = new BinaryLogClient(server.host(), server.port(), server.user(), server.password());
        client.setServerId(serverId);
        client.setBinlogFilename(file);
        client.setBinlogPosition(position);
        client.setKeepAlive(false);
        Set<Long> benchTables = new HashSet<>();
        AtomicLong seen = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        client.registerEventListener(event -> {
            EventData data = event.getData();
            long table;
            int count;
            if (data instanceof TableMapEventData map) {
                if (database.equals(map.getDatabase()) && "bench".equals(map.getTable())) {
                    benchTables.add(map.getTableId());
                }
                return;
            } else if (data instanceof WriteRowsEventData write) {
                table = write.getTableId();
                count = write.getRows().size();
            } else if (data instanceof UpdateRowsEventData update) {
                table = update.getTableId();
                count = update.getRows().size();
            } else if (data instanceof DeleteRowsEventData delete) {
                table = delete.getTableId();
                count = delete.getRows().size();
            } else {
                return;
            }
            if (benchTables.contains(table) && seen.addAndGet(count) >= rows) {
                done.countDown();
            }
        });
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
                done.countDown();
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
                done.countDown();
            }
        });
        long t0 = System.nanoTime();
        client.connect(TimeUnit.SECONDS.toMillis(30));
        try {
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new TimeoutException("the no-op BinaryLogClient saw " + seen.get() + " of " + rows
                        + " rows of " + database + ".bench in 30 minutes from " + file + ":" + position);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (failure.get() != null) {
                throw new IOException("the no-op BinaryLogClient failed after " + seen.get() + " of " + rows
                        + " rows from " + file + ":" + position + ": " + failure.get().getMessage(), failure.get());
            }
            return millis;
        } finally {
            client.disconnect();
        }
    }

    /** Writes n pre-built rows of the bench table (plus the metadata columns) with {@link RowFileWriter}. */
    static long parquetWriter(Path folder, int n) throws IOException {
        List<RowColumn> columns = List.of(RowColumn.of("id", RowColumn.Kind.INT64),
                RowColumn.of("i", RowColumn.Kind.INT32), RowColumn.of("b", RowColumn.Kind.INT64),
                RowColumn.of("d1", RowColumn.Kind.DOUBLE), RowColumn.of("d2", RowColumn.Kind.DOUBLE),
                RowColumn.decimal("amount", 12, 2), RowColumn.of("s1", RowColumn.Kind.STRING),
                RowColumn.of("s2", RowColumn.Kind.STRING), RowColumn.of("ts", RowColumn.Kind.TIMESTAMP_MICROS),
                RowColumn.of("flag", RowColumn.Kind.BOOLEAN), RowColumn.of("_op", RowColumn.Kind.STRING),
                RowColumn.of("_commit_ts", RowColumn.Kind.TIMESTAMP_MICROS),
                RowColumn.of("_position", RowColumn.Kind.STRING), RowColumn.of("_seq", RowColumn.Kind.INT64),
                RowColumn.of("_tx", RowColumn.Kind.STRING));
        Object[][] rows = new Object[n][];
        long base = 1_704_067_200_000_000L;
        for (int g = 1; g <= n; g++) {
            rows[g - 1] = new Object[] {(long) g, g % 1000, g * 3L, g * 0.5, (g % 997) / 7.0, (long) (g % 100000),
                    Integer.toHexString(g * 31) + "0123456789abcdef0123456789", "name-" + g,
                    base + g * 1_000_000L, g % 2 == 0, "c", base, "pg:lsn=0/" + Integer.toHexString(g) + ",events=0",
                    (long) g, Integer.toString(g)};
        }
        Files.createDirectories(folder);
        long t0 = System.nanoTime();
        RowFileWriter writer = new RowFileWriter(folder.resolve("ceiling.parquet"), columns);
        for (Object[] row : rows) {
            writer.write(row);
        }
        writer.commit();
        return (System.nanoTime() - t0) / 1_000_000;
    }
}

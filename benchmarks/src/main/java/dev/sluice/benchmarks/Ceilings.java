package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The physical ceilings the systems are compared against, each measured in the benchmark run itself: the
 * PostgreSQL log read by {@code pg_recvlogical} (pgoutput) into /dev/null, and a bare parquet-java writer on
 * pre-built rows. (The snapshot ceiling, {@code COPY … TO STDOUT (FORMAT binary)}, is {@link PgFixture#copyBinary()}.)
 */
final class Ceilings {

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

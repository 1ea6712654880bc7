package dev.sluice.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one measured run does, handed from {@link BenchmarkMain} to the child JVM ({@link RunChild}) as
 * {@code key=value} arguments. Immutable.
 *
 * @param system {@code sluice} or {@code debezium}
 * @param database {@code postgres} or {@code mariadb}
 * @param workload the workload (decides snapshot or log capture)
 * @param server where the database is, and the capture user
 * @param dbName the database (schema on MariaDB) holding table {@code bench}
 * @param slot the PostgreSQL replication slot (or the MariaDB replica server id, as text)
 * @param publication the PostgreSQL publication; on MariaDB the binlog {@code file:position} a log workload starts at
 * @param output the folder the Parquet files go to
 * @param expected events the run must make durable before it ends
 * @param commitMillis the commit interval of both systems
 * @param tuned Debezium with tuned batch/queue/poll settings (else its defaults)
 * @param warmUpSlot the slot (server id) of a warm-up run in the same JVM before the measured one, or null for none
 * @param warmUpOutput the folder of that warm-up run's Parquet files, or null
 */
record RunSpec(String system, String database, Workload workload, Server server, String dbName, String slot,
        String publication, Path output, long expected, long commitMillis, boolean tuned, String warmUpSlot,
        Path warmUpOutput) {

    /** The warm-up run: this run on its own slot (or server id) and folder. */
    RunSpec warmUp() {
        return new RunSpec(system, database, workload, server, dbName, warmUpSlot, publication, warmUpOutput,
                expected, commitMillis, tuned, null, null);
    }

    /** This run preceded, in its JVM, by a warm-up run on {@code slot} into {@code folder}. */
    RunSpec withWarmUp(String slot, Path folder) {
        return new RunSpec(system, database, workload, server, dbName, this.slot, publication, output, expected,
                commitMillis, tuned, slot, folder);
    }

    /** The child gets the password in this environment variable, not on its (visible) command line. */
    static final String PASSWORD_VARIABLE = "SLUICE_BENCH_PASSWORD";

    /** The arguments for the child, without the password (see {@link #PASSWORD_VARIABLE}). */
    List<String> toArgs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("system", system);
        m.put("database", database);
        m.put("workload", workload.name());
        m.put("host", server.host());
        m.put("port", Integer.toString(server.port()));
        m.put("user", server.user());
        m.put("dbName", dbName);
        m.put("slot", slot);
        m.put("publication", publication);
        m.put("output", output.toString());
        m.put("expected", Long.toString(expected));
        m.put("commitMillis", Long.toString(commitMillis));
        m.put("tuned", Boolean.toString(tuned));
        if (warmUpOutput != null) {
            m.put("warmUpSlot", warmUpSlot);
            m.put("warmUpOutput", warmUpOutput.toString());
        }
        List<String> args = new ArrayList<>();
        m.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    static RunSpec parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("argument '" + arg + "' is not key=value");
            }
            m.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new RunSpec(m.get("system"), m.get("database"), Workload.valueOf(m.get("workload")),
                new Server(m.get("host"), Integer.parseInt(m.get("port")), m.get("user"),
                        System.getenv(PASSWORD_VARIABLE)),
                m.get("dbName"), m.get("slot"), m.get("publication"), Path.of(m.get("output")),
                Long.parseLong(m.get("expected")), Long.parseLong(m.get("commitMillis")),
                Boolean.parseBoolean(m.get("tuned")), m.get("warmUpSlot"),
                m.containsKey("warmUpOutput") ? Path.of(m.get("warmUpOutput")) : null);
    }

    boolean postgres() {
        return "postgres".equals(database);
    }

    /** A database server and the user the capture connects as. The password never shows in {@code toString()}. */
    record Server(String host, int port, String user, String password) {
        @Override
        public String toString() {
            return user + "@" + host + ":" + port;
        }
    }
}

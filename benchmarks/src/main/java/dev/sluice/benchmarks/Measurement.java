package dev.sluice.benchmarks;

import java.util.Map;

/**
 * One measured run of one system on one workload, as the child JVM reported it, plus the parent's count of the
 * rows it finds in the output. {@code jitMillis} and {@code gcPauseMillis} are the time the JIT compilers spent
 * compiling and the garbage collector's pauses during the run (-1: not reported). Immutable.
 */
record Measurement(String system, String database, Workload workload, int repetition, long events, long millis,
        long cpuMillis, long heapAfterGc, long heapPeak, long rssPeak, long bytes, Map<String, Long> counted,
        Map<String, Long> expected, long serverCpuMillis, long jitMillis, long gcPauseMillis) {

    /** The same run with the CPU time the database server spent serving it (-1: not measured). */
    Measurement withServerCpu(long millis) {
        return new Measurement(system, database, workload, repetition, events, this.millis, cpuMillis, heapAfterGc,
                heapPeak, rssPeak, bytes, counted, expected, millis, jitMillis, gcPauseMillis);
    }

    /** Server CPU seconds per million events, or NaN where it was not measured. */
    double serverCpuSecondsPerMillion() {
        return serverCpuMillis < 0 ? Double.NaN : serverCpuMillis / 1000.0 * 1_000_000.0 / Math.max(1, events);
    }

    /** The output holds exactly the rows the workload wrote: no more, no fewer, per operation. */
    boolean valid() {
        return counted.equals(expected);
    }

    double eventsPerSecond() {
        return events * 1000.0 / Math.max(1, millis);
    }

    double cpuSecondsPerMillion() {
        return cpuMillis / 1000.0 * 1_000_000.0 / Math.max(1, events);
    }

    static Measurement parse(String system, String database, Workload workload, int repetition, long events,
            String resultLine, Map<String, Long> counted, Map<String, Long> expected) {
        java.util.Map<String, Long> v = new java.util.HashMap<>();
        for (String part : resultLine.substring(resultLine.indexOf(' ') + 1).trim().split(" ")) { // after RESULT/COLD
            int eq = part.indexOf('=');
            v.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
        return new Measurement(system, database, workload, repetition, events, v.get("millis"), v.get("cpuMillis"),
                v.get("heapAfterGc"), v.get("heapPeak"), v.get("rssPeak"), v.get("bytes"), counted, expected, -1,
                v.getOrDefault("jitMillis", -1L), v.getOrDefault("gcPauseMillis", -1L));
    }
}

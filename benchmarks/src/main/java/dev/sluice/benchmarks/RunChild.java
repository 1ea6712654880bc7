package dev.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child JVM of one measured run (started by {@link BenchmarkMain} with the same {@code -Xmx} for both
 * systems): runs Sluice or Debezium once and prints one line {@code RESULT millis=… cpuMillis=… heapAfterGc=…
 * heapPeak=… rssPeak=… bytes=… jitMillis=… gcPauseMillis=…}. Timing starts just before the pipeline or engine is
 * built, so JVM start-up is not counted, and ends when the expected events are durable. With a warm-up run in the
 * spec, that run goes first, in the same JVM, and its line starts with {@code COLD}; the peaks are reset between.
 */
public final class RunChild {

    private RunChild() {}

    public static void main(String[] args) {
        try {
            measure(RunSpec.parse(args));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1); // the engines' leftover non-daemon threads must not keep a failed run alive
        }
        System.exit(0); // nor a finished one
    }

    private static void measure(RunSpec spec) throws Exception {
        AtomicLong heapAfterGc = new AtomicLong();
        watchGc(heapAfterGc);
        if (spec.warmUpOutput() != null) {
            System.out.println("COLD " + once(spec.warmUp(), heapAfterGc));
            System.gc();
            heapAfterGc.set(0);
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            resetRssPeak();
        }
        System.out.println("RESULT " + once(spec, heapAfterGc));
        System.out.flush();
    }

    /** Runs the system once and describes the run as {@code key=value} pairs. */
    private static String once(RunSpec spec, AtomicLong heapAfterGc) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long jit0 = jitMillis();
        long gc0 = gcPauseMillis();
        long t0 = System.nanoTime();
        long bytes = "sluice".equals(spec.system()) ? SluiceRun.run(spec) : DebeziumRun.run(spec);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long cpuMillis = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        long jit = jitMillis() - jit0;
        long gc = gcPauseMillis() - gc0;
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        return "millis=" + millis + " cpuMillis=" + cpuMillis + " heapAfterGc=" + heapAfterGc.get() + " heapPeak="
                + heapPeak + " rssPeak=" + rssPeak() + " bytes=" + bytes + " jitMillis=" + jit + " gcPauseMillis=" + gc;
    }

    /** Makes VmHWM start again from the current RSS (Linux: writing 5 to clear_refs); quiet where it cannot. */
    private static void resetRssPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (java.io.IOException | RuntimeException e) {
            // the peak then includes the warm-up run: an overstatement, never an understatement
        }
    }

    /**
     * The JIT compilers' time so far, a cost a fresh JVM pays while it warms up: wall time summed over compilations,
     * so on busy cores more than the compiler threads' CPU time.
     */
    private static long jitMillis() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime() : 0;
    }

    /** The garbage collectors' pauses so far (wall time; G1's concurrent work is not in it). */
    private static long gcPauseMillis() {
        long total = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** Keeps the largest heap occupancy seen right after a garbage collection. */
    private static void watchGc(AtomicLong max) {
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(e -> heapPools.contains(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed()).sum();
                max.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    /** VmHWM of this process in bytes, or -1 where /proc is not there. */
    private static long rssPeak() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ({@link CrashChild}) writes a deterministic stream through a pipeline into the sink and is killed
 * with SIGKILL at random moments, then restarted from the sink's own offset store; finally it runs to the end. The
 * committed files must then hold the stream exactly once: every event, in {@code _seq} order, no duplicate. The
 * child's class path holds no Hadoop jar, so this also shows the sink runs without Hadoop.
 */
@ExtendWith(S3Extension.class)
class CrashIT {

    private static final long TOTAL = 24_000;

    @TempDir
    Path work;

    @Test
    void survivesThirtyKillsInALocalFolderWithoutLossOrDuplicates() throws Exception {
        Path lake = work.resolve("lake");
        List<String> args = List.of(String.valueOf(TOTAL), "local", lake.toString());
        int alive = killRepeatedly(args, lake, 30, new Random(seed()));
        assertThat(alive).as("kills that hit a running child").isGreaterThanOrEqualTo(10);
        long before = (Long) Duck.query("SELECT count(*) FROM " + Duck.all(lake.resolve("gen"))).get(0).get(0);
        System.out.println("CrashIT: " + alive + " kills hit a running child; " + before + " of " + TOTAL
                + " events committed before the final run");
        assertThat(before).as("progress across the killed runs").isPositive();
        runToEnd(args);
        System.out.println("CrashIT: restarts that discarded staged files: " + logsMentioning("discarded")
                + ", that finished an interrupted commit: " + logsMentioning("which a crash had interrupted"));
        assertExactlyOnce(lake);
        try (Stream<Path> staged = Files.walk(lake.resolve("_sluice/crash"))) {
            assertThat(staged.filter(p -> p.toString().contains("staging") && Files.isRegularFile(p))).isEmpty();
        }
    }

    @Test
    void survivesKillsWritingToS3(S3Bucket bucket) throws Exception {
        long total = 3000;
        List<String> args = List.of(String.valueOf(total), "s3", bucket.endpoint().toString(), bucket.bucket(),
                bucket.accessKey(), bucket.secretKey());
        killRepeatedly(args, null, 3, new Random(seed()));
        runToEnd(args);
        Path copy = work.resolve("s3-copy");
        S3Copy.download(bucket, "crash/", copy);
        assertExactlyOnce(copy, total);
    }

    private static long seed() {
        long seed = System.nanoTime();
        System.out.println("CrashIT random seed " + seed);
        return seed;
    }

    private void assertExactlyOnce(Path lake) throws Exception {
        assertExactlyOnce(lake, TOTAL);
    }

    private static void assertExactlyOnce(Path lake, long total) throws Exception {
        List<List<Object>> rows = Duck.query("SELECT _seq, _position, id, v, amount::VARCHAR, _op FROM "
                + Duck.all(lake.resolve("gen")) + " ORDER BY _seq");
        assertThat(rows).hasSize((int) total);
        for (int i = 0; i < rows.size(); i++) {
            long n = i + 1;
            ChangeEvent expected = GeneratorSource.event(n, total);
            List<Object> row = rows.get(i);
            assertThat(row).as("row with _seq %d", n).containsExactly(n, "gen:" + n, n,
                    expected.op() == Op.DELETE ? null : "value-" + n,
                    expected.op() == Op.DELETE ? null : expected.row().get(2).toString(),
                    String.valueOf(expected.op().code()));
        }
    }

    /**
     * Starts and kills the child {@code kills} times; returns how many kills hit a child still running. One kill in
     * five lands at a random moment of start-up and recovery; the others a random time after the child's first
     * commit, so most land amid writes, staging, commit records and promotions.
     */
    private int killRepeatedly(List<String> args, Path lake, int kills, Random random) throws Exception {
        int alive = 0;
        for (int i = 0; i < kills; i++) {
            String lastCommit = newestCommit(lake);
            Process child = start(args, i);
            if (random.nextInt(5) == 0) {
                child.waitFor(random.nextInt(1500), TimeUnit.MILLISECONDS);
            } else {
                // up to 30 s for the child's next commit record: a loaded machine starts a JVM slowly, and kills
                // that all land before a child's first commit leave no progress to check
                for (int wait = 0; wait < 6000 && child.isAlive() && newestCommit(lake).equals(lastCommit); wait++) {
                    Thread.sleep(5);
                }
                child.waitFor(random.nextInt(300), TimeUnit.MILLISECONDS);
            }
            if (!child.isAlive()) {
                assertThat(child.exitValue()).as("child exit, see " + log(i)).isZero();
                continue;
            }
            alive++;
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
            if (lake == null) {
                Thread.sleep(1500); // the killed child's S3 lease (1 s) runs out; a folder's lock goes with it
            }
        }
        return alive;
    }

    /** The name of the newest commit record in a local lake, or "" (only for local lakes; "" for S3). */
    private static String newestCommit(Path lake) throws IOException {
        Path commits = lake == null ? null : lake.resolve("_sluice/crash/commits");
        if (commits == null || !Files.isDirectory(commits)) {
            return "";
        }
        try (Stream<Path> records = Files.list(commits)) {
            return records.map(p -> p.getFileName().toString()).max(String::compareTo).orElse("");
        }
    }

    private void runToEnd(List<String> args) throws Exception {
        Process child = start(args, 999);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("final run ends").isTrue();
        assertThat(child.exitValue()).as("final run exit, log:\n" + Files.readString(log(999))).isZero();
    }

    private Process start(List<String> args, int run) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", childClassPath(),
                CrashChild.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(run).toFile()).start();
    }

    private long logsMentioning(String text) throws IOException {
        long count = 0;
        for (int run = 0; run < 1000; run++) {
            if (Files.exists(log(run)) && Files.readString(log(run)).contains(text)) {
                count++;
            }
        }
        return count;
    }

    private Path log(int run) {
        return work.resolve("child-" + run + ".log");
    }

    /** The test class path without Hadoop (and without the test-only readers the child does not need). */
    static String childClassPath() {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Stream.of("/org/apache/hadoop/", "duckdb", "mongo", "postgresql", "mariadb",
                        "s3proxy", "/io/netty/").noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        boolean ok = classPath.contains("parquet-hadoop") && !classPath.contains("hadoop-client");
        assertThat(ok).as("child class path has parquet but no Hadoop").isTrue();
        return classPath;
    }
}

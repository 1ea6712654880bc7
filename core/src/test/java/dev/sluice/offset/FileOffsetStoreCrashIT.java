package dev.sluice.offset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a process that saves offsets in a tight loop, at random moments, and reads back what it left. */
class FileOffsetStoreCrashIT {

    private static final int KILLS = 50;

    @TempDir
    Path dir;

    @Test
    void aKilledWriterAlwaysLeavesTheLastOrTheNewOffsetNeverATornOne() throws Exception {
        FileOffsetStore store = FileOffsetStore.in(dir);
        Random random = new Random(42);
        long confirmed = 0; // the writer had saved at least this far when it was killed

        for (int kill = 1; kill <= KILLS; kill++) {
            long first = confirmed + 1;
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                    Writer.class.getName(), dir.toString(), Long.toString(first))
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).as("the writer's first line").isEqualTo("saved " + first);
                Thread.sleep(random.nextInt(40));
                writer.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            String offset = store.load(Writer.PIPELINE).orElseThrow();
            long seq = Writer.parse(offset);
            assertThat(offset).as("kill %d", kill).isEqualTo(Writer.offset(seq));
            assertThat(seq).as("kill %d: at least the first save survived", kill).isGreaterThanOrEqualTo(first);
            confirmed = seq;
        }
        assertThat(confirmed).isGreaterThan(KILLS);
    }

    /** The child process: saves increasing offsets of varying length until killed. */
    public static final class Writer {
        static final String PIPELINE = "crash";

        public static void main(String[] args) {
            FileOffsetStore store = FileOffsetStore.in(Path.of(args[0]));
            long seq = Long.parseLong(args[1]);
            store.save(PIPELINE, offset(seq));
            System.out.println("saved " + seq);
            System.out.flush();
            while (true) {
                store.save(PIPELINE, offset(++seq));
            }
        }

        /** An offset whose length varies with its number, so a torn write could not pass as a whole one. */
        static String offset(long seq) {
            return "mem:" + seq + ";" + "x".repeat((int) (seq % 997));
        }

        static long parse(String offset) {
            return Long.parseLong(offset.substring(4, offset.indexOf(';')));
        }
    }
}

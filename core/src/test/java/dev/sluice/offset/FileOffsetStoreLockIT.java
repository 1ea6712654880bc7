package dev.sluice.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.OffsetStore;
import dev.sluice.PipelineAlreadyRunningException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per pipeline: the lock file of a {@link FileOffsetStore}, across processes and within one. */
class FileOffsetStoreLockIT {

    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsToldWhoRunsThePipelineUntilTheFirstDies() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                dir.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");
            FileOffsetStore store = FileOffsetStore.in(dir);

            assertThatThrownBy(() -> store.acquire("orders"))
                    .isInstanceOf(PipelineAlreadyRunningException.class)
                    .hasMessageStartingWith("pipeline orders is already running (held by pid " + holder.pid() + " on ")
                    .hasMessageContaining(dir.resolve("orders.lock").toString())
                    .hasMessageContaining("Fix: stop the other process first");

            holder.destroyForcibly(); // SIGKILL: the operating system drops the lock
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (OffsetStore.Lease lease = store.acquire("orders")) {
                assertThat(lease).isNotNull();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aSecondLeaseInTheSameProcessIsRefusedAndClosingReleasesIt() {
        FileOffsetStore store = FileOffsetStore.in(dir);
        FileOffsetStore other = FileOffsetStore.in(dir);
        OffsetStore.Lease first = store.acquire("orders");

        assertThatThrownBy(() -> other.acquire("orders"))
                .isInstanceOf(PipelineAlreadyRunningException.class)
                .hasMessageStartingWith("pipeline orders is already running (in this process)");
        try (OffsetStore.Lease unrelated = other.acquire("invoices")) {
            assertThat(unrelated).isNotNull();
        }

        first.close();
        first.close(); // idempotent
        try (OffsetStore.Lease second = other.acquire("orders")) {
            assertThat(second).isNotNull();
        }
    }

    /** The child process: holds the lease of pipeline "orders" until killed. */
    public static final class Holder {
        public static void main(String[] args) throws InterruptedException {
            FileOffsetStore.in(Path.of(args[0])).acquire("orders");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}

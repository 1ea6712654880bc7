package dev.sluice.examples.cli;

import dev.sluice.Offset;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.SnapshotStatus;
import dev.sluice.TableId;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a running pipeline's progress: a line rewritten in place every second on a terminal, a plain line every
 * ten seconds otherwise (a log file, a scheduler). Recoveries and state changes always get a line of their own.
 */
final class Progress implements PipelineListener, AutoCloseable {

    private final PrintStream out;
    private final boolean terminal;
    private volatile Pipeline pipeline;
    private Thread ticker;
    private long lastEvents;
    private long lastNanos = System.nanoTime();

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void watch(Pipeline pipeline) {
        this.pipeline = pipeline;
        Duration every = terminal ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(every.toMillis());
                    tick();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-cli-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    private synchronized void tick() {
        PipelineStatus status = pipeline.status();
        long now = System.nanoTime();
        double rate = (status.eventsCaptured() - lastEvents) * 1e9 / Math.max(1, now - lastNanos);
        lastEvents = status.eventsCaptured();
        lastNanos = now;
        String line = String.format(Locale.ROOT, "%-10s captured %,d (%,.0f/s)  committed %,d  lag %s%s%s",
                status.state(), status.eventsCaptured(), rate, status.eventsCommitted(),
                status.lag() == null ? "-" : status.lag().toMillis() + " ms", snapshot(status.snapshot()),
                tables(status));
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** {@code  snapshot 41.5% (2/7 tables, 415,000 of ~1,000,000 rows; reading s.t)}, or nothing. */
    static String snapshot(SnapshotStatus snapshot) {
        if (snapshot == null) {
            return "";
        }
        double percent = snapshot.percent();
        return String.format(Locale.ROOT, "  snapshot %s(%d/%d tables, %,d%s rows%s)",
                percent < 0 ? "" : String.format(Locale.ROOT, "%.1f%% ", percent), snapshot.tablesDone(),
                snapshot.tablesTotal(), snapshot.rowsRead(),
                snapshot.rowsEstimated() < 0 ? "" : String.format(Locale.ROOT, " of ~%,d", snapshot.rowsEstimated()),
                snapshot.table() == null ? "" : "; reading " + snapshot.table());
    }

    /** The busiest tables' committed rows (snapshot rows included), at most three. */
    private static String tables(PipelineStatus status) {
        StringBuilder text = new StringBuilder();
        status.eventsPerTable().entrySet().stream()
                .sorted(Map.Entry.<TableId, Long>comparingByValue().reversed())
                .limit(3)
                .forEach(e -> text.append(text.length() == 0 ? "  [" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%,d", e.getValue())));
        int more = status.eventsPerTable().size() - 3;
        return text.length() == 0 ? "" : text.append(more > 0 ? ", +" + more + " tables]" : "]").toString();
    }

    private synchronized void event(String line) {
        out.println((terminal ? "\r" : "") + line);
    }

    @Override
    public void onStateChange(String pipeline, PipelineState from, PipelineState to, Throwable cause) {
        event("pipeline " + to.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onRecovery(String pipeline, Throwable cause, int attempt, Duration delay) {
        event("retrying in " + delay.toMillis() + " ms (attempt " + attempt + ") after: " + cause.getMessage());
    }

    @Override
    public void onCommit(String pipeline, Offset offset, long events, Duration took) {
        if (!terminal && events > 0) {
            event("committed " + events + " events up to " + offset.encode());
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.interrupt();
        }
        if (terminal) {
            out.println();
        }
    }
}

package dev.sluice.examples.cli;

import dev.sluice.Offset;
import dev.sluice.Pipeline;
import dev.sluice.PipelineListener;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

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
        String line = String.format(Locale.ROOT, "%-10s captured %,d (%,.0f/s)  committed %,d  lag %s%s",
                status.state(), status.eventsCaptured(), rate, status.eventsCommitted(),
                status.lag() == null ? "-" : status.lag().toMillis() + " ms", tables(status));
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The busiest tables' committed rows (snapshot rows included), at most three. */
    private static String tables(PipelineStatus status) {
        StringBuilder text = new StringBuilder();
        status.eventsPerTable().entrySet().stream()
                .sorted(java.util.Map.Entry.<dev.sluice.TableId, Long>comparingByValue().reversed())
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
    public void onStateChange(PipelineState from, PipelineState to, Throwable cause) {
        event("pipeline " + to.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onRecovery(Throwable cause, int attempt, Duration delay) {
        event("retrying in " + delay.toMillis() + " ms (attempt " + attempt + ") after: " + cause.getMessage());
    }

    @Override
    public void onCommit(Offset offset, long events, Duration took) {
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

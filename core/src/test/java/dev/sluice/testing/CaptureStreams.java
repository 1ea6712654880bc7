package dev.sluice.testing;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Test helper for sources: polls a stream until what it collected satisfies a condition, or fails after a limit. */
public final class CaptureStreams {

    private CaptureStreams() {}

    public static List<ChangeEvent> pollUntil(ChangeStream stream, List<ChangeEvent> into, Predicate<List<ChangeEvent>> done,
            Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.test(into)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("capture did not finish within " + limit + "; collected " + into.size()
                        + " events: " + (into.size() > 20 ? into.subList(into.size() - 20, into.size()) : into));
            }
            into.addAll(stream.poll(Duration.ofMillis(50)));
        }
        return into;
    }

    public static List<ChangeEvent> pollCount(ChangeStream stream, int count, Duration limit) throws InterruptedException {
        return pollUntil(stream, new ArrayList<>(), events -> events.size() >= count, limit);
    }
}

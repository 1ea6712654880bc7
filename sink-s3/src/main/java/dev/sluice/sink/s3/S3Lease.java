package dev.sluice.sink.s3;

import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.SluiceException;
import dev.sluice.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer fence of an S3 prefix: a lease object naming the writer and when it last renewed it, renewed every third
 * of the lease by a daemon thread ({@code sluice-<pipeline>-lease}) and deleted on close. A second writer that finds
 * an unexpired lease of another writer stops at once; an expired lease (its writer was killed, or cannot reach S3)
 * is taken over, and if its writer is still alive, the commit records (created only if absent) stop it at its next
 * commit. Lease times are compared across hosts: their clocks must roughly agree (NTP).
 */
final class S3Lease implements WriterFence {

    private static final Logger log = LoggerFactory.getLogger(S3Lease.class);

    private final ObjectStore store;
    private final String key;
    private final String writer;
    private final Clock clock;
    private final ScheduledExecutorService renewer;

    private S3Lease(ObjectStore store, String key, String pipeline, String writer, Clock clock, Duration lease) {
        this.store = store;
        this.key = key;
        this.writer = writer;
        this.clock = clock;
        this.renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sluice-" + pipeline + "-lease");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    static S3Lease acquire(ObjectStore store, String key, String pipeline, String writer, Clock clock,
            Duration lease) {
        Optional<byte[]> current = store.get(key);
        if (current.isPresent()) {
            Holder holder = Holder.parse(current.get());
            Instant until = holder.renewedAt().plus(lease);
            if (holder != Holder.DAMAGED && !holder.writer().equals(writer) && until.isAfter(clock.instant())) {
                throw new PipelineAlreadyRunningException("pipeline " + pipeline + " is already running (writer " + holder.writer()
                        + " renewed its lease " + key + " in " + store + " at " + holder.renewedAt()
                        + "; it holds until " + until + "). Fix: run one process per pipeline name and S3 prefix:"
                        + " stop the other process first (a rolling deployment must stop the old instance before"
                        + " starting the new one). If that process was killed, start again after " + until + ".");
            }
        }
        store.put(key, content(writer, clock.instant()));
        return new S3Lease(store, key, pipeline, writer, clock, lease);
    }

    private void renew() {
        try {
            Optional<byte[]> current = store.get(key);
            if (current.isPresent()) {
                Holder holder = Holder.parse(current.get());
                if (holder != Holder.DAMAGED && !holder.writer().equals(writer)) {
                    // our lease ran out and another writer took over: its lease must stay, and this writer's next
                    // commit fails on the commit record the other one claimed
                    log.warn("the writer lease {} in {} was taken over by writer {} after this writer ({}) could not"
                            + " renew it; this writer stops at its next commit", key, store, holder.writer(), writer);
                    renewer.shutdown();
                    return;
                }
            }
            store.put(key, content(writer, clock.instant()));
        } catch (RuntimeException e) {
            // S3 unreachable for now: the commit records fence even without the lease; the next renewal may pass
            log.warn("cannot renew the writer lease {} in {}: {}", key, store, e.toString());
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(5, TimeUnit.SECONDS);
            Optional<byte[]> current = store.get(key);
            if (current.isPresent() && Holder.parse(current.get()).writer().equals(writer)) {
                store.delete(key); // the next writer may start at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SluiceException e) {
            log.warn("cannot release the writer lease {} in {}: {}; the next writer waits until it runs out", key,
                    store, e.getMessage());
        }
    }

    private static byte[] content(String writer, Instant renewedAt) {
        return ("{\"writer\":" + Json.quote(writer) + ",\"renewedAt\":" + Json.quote(renewedAt.toString()) + "}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private record Holder(String writer, Instant renewedAt) {
        static final Holder DAMAGED = new Holder("", Instant.EPOCH);

        static Holder parse(byte[] bytes) {
            try {
                if (Json.parse(new String(bytes, StandardCharsets.UTF_8)) instanceof Map<?, ?> map
                        && map.get("writer") instanceof String writer
                        && map.get("renewedAt") instanceof String renewed) {
                    return new Holder(writer, Instant.parse(renewed));
                }
            } catch (RuntimeException ignored) {
                // a damaged lease holds nothing: the commit records still fence
            }
            return DAMAGED;
        }
    }
}

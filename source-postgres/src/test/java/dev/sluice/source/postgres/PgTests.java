package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.testkit.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** Shared helpers of this module's integration tests. */
final class PgTests {

    private PgTests() {}

    /** A source on the test database as the application user. */
    static PostgresSource.Builder source(PostgresDatabase db) {
        return PostgresSource.builder().jdbcUrl(db.jdbcUrl()).user(db.user()).password(db.password());
    }

    /** A pipeline name unique on the server, so slot and publication names do not collide between tests. */
    static String uniqueName() {
        return "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);
    }

    static PipelineContext context(String name) {
        return PipelineContext.of(name, Clock.systemUTC());
    }

    /**
     * Polls until {@code count} events arrived (failing after 30 s with what did), leaving out the TRUNCATE event
     * a snapshot sends before each table's rows (SnapshotIT checks those; see {@link #pollAll}).
     */
    static List<ChangeEvent> poll(ChangeStream stream, int count) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            for (ChangeEvent event : stream.poll(Duration.ofMillis(100))) {
                if (event.op() != Op.TRUNCATE || !((PgOffset) event.offset()).snapshot()) {
                    events.add(event);
                }
            }
        }
        assertThat(events).as("events polled").hasSizeGreaterThanOrEqualTo(count);
        return events;
    }

    /** Polls until {@code count} events arrived (failing after 30 s with what did), every event included. */
    static List<ChangeEvent> pollAll(ChangeStream stream, int count) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        assertThat(events).as("events polled").hasSizeGreaterThanOrEqualTo(count);
        return events;
    }

    /** Polls until the stream's position satisfies the condition (failing after 30 s). */
    static List<ChangeEvent> pollUntil(ChangeStream stream, Predicate<ChangeStream> done) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.test(stream)) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        return events;
    }

    /** Waits up to 10 s for the server to have processed a confirmation of {@code lsn}; returns the slot's LSN. */
    static long awaitConfirmedFlush(PostgresDatabase db, String slot, long lsn) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long confirmed = confirmedFlush(db, slot);
        while (confirmed < lsn && System.nanoTime() < deadline) {
            Thread.sleep(20);
            confirmed = confirmedFlush(db, slot);
        }
        return confirmed;
    }

    /**
     * Drops a slot once its walsender is gone: a stream's close() returns before the server has noticed the closed
     * connection, and until then the slot is active and cannot be dropped. Waits up to 10 s.
     */
    static void dropSlot(PostgresDatabase db, String slot) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = db.connect()) {
            while (true) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                        + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                    ps.setString(1, slot);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return;
                        }
                    }
                }
                assertThat(System.nanoTime()).as("slot %s still active after 10 s", slot).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /** The slot's confirmed_flush_lsn, as an LSN value. */
    static long confirmedFlush(PostgresDatabase db, String slot) throws Exception {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("slot %s exists", slot).isTrue();
                return PgOffset.parseLsn(rs.getString(1));
            }
        }
    }
}

package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.TableFilter;
import dev.sluice.testkit.MariaDbDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** Helpers for the integration tests: a source on a test database, and polling a stream until a condition holds. */
final class Streams {

    static final PipelineContext CONTEXT = PipelineContext.of("mysql-it", Clock.systemUTC());

    private Streams() {}

    /** A source for the tables of this database, with a random replica id (the server is shared). */
    static MySqlSource.Builder source(MariaDbDatabase db) {
        return MySqlSource.builder().host(db.host()).port(db.port()).user(db.user()).password(db.password())
                .tables(TableFilter.include(db.name() + ".*"))
                .serverId(ThreadLocalRandom.current().nextLong(2_000_000_000L, 4_000_000_000L))
                .keepAliveInterval(Duration.ofSeconds(2));
    }

    /** Polls until the events gathered satisfy {@code done}; fails after a minute. */
    static List<ChangeEvent> pollUntil(ChangeStream stream, Predicate<List<ChangeEvent>> done)
            throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!done.test(events)) {
            assertThat(System.nanoTime()).as("waiting for events; have %d: %s", events.size(),
                    events.size() > 5 ? events.subList(events.size() - 5, events.size()) : events).isLessThan(deadline);
            events.addAll(stream.poll(Duration.ofMillis(200)));
        }
        return events;
    }

    /**
     * Polls a snapshot of one table: its TRUNCATE (which makes the sinks forget an earlier snapshot), then
     * {@code rows} READ events, which it returns.
     */
    static List<ChangeEvent> pollSnapshot(ChangeStream stream, int rows) throws InterruptedException {
        List<ChangeEvent> events = poll(stream, rows + 1);
        assertThat(events.get(0).op()).isEqualTo(Op.TRUNCATE);
        assertThat(events.subList(1, events.size())).allMatch(e -> e.op() == Op.READ);
        return events.subList(1, events.size());
    }

    /** Polls until {@code count} events arrived. */
    static List<ChangeEvent> poll(ChangeStream stream, int count) throws InterruptedException {
        List<ChangeEvent> events = pollUntil(stream, e -> e.size() >= count);
        assertThat(events).hasSize(count);
        return events;
    }
}

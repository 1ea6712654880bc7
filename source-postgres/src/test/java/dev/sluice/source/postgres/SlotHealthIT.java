package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeStream;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.SourceHealth;
import dev.sluice.SourceHealth.Risk;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A slot's backlog and retention risk, measured against the real server while the consumer does not confirm. */
@ExtendWith(PostgresExtension.class)
class SlotHealthIT {

    /** What pg_replication_slots says of the slot now, as the probe's query would read it. */
    private record Direct(String walStatus, long safeWalSize, long retained, long backlog, long limit) {}

    @Test
    void backlogGrowsWhileNothingIsConfirmedAndMatchesTheSlot(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE hl_t (id int PRIMARY KEY, pad text)");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        String slot = source.slotName(context);
        try (PgChangeStream stream = (PgChangeStream) source.open(null, context)) {
            db.execute("INSERT INTO hl_t VALUES (0, 'x')");
            stream.committed(poll(stream, 1).get(0).offset());
            poll0(stream); // confirms it
            Direct start = direct(db, slot);

            long before = currentLsn(db);
            db.execute("INSERT INTO hl_t SELECT g, repeat('x', 500) FROM generate_series(1, 4000) g");
            long generated = currentLsn(db) - before;
            SourceHealth measured = stream.measureHealth();
            Direct after = direct(db, slot);

            assertThat(generated).isGreaterThan(2_000_000);
            assertThat(measured.backlogBytes()).as("backlog").isGreaterThanOrEqualTo(generated)
                    .isGreaterThan(start.backlog()).isLessThanOrEqualTo(after.backlog());
            assertThat(measured.retainedBytes()).as("retained").isGreaterThanOrEqualTo(measured.backlogBytes())
                    .isLessThanOrEqualTo(after.retained());
            assertThat(measured.limitBytes()).isEqualTo(after.limit() > 0 ? after.limit() : -1);
            SourceHealth expected = SlotHealth.assess(slot, after.walStatus(), after.safeWalSize(), after.retained(),
                    after.backlog(), after.limit(), measured.checkedAt());
            assertThat(measured.risk()).isEqualTo(expected.risk()).isNotEqualTo(Risk.UNKNOWN);
            assertThat(stream.health()).isEqualTo(measured); // what status() shows

            // once the stream is read and its position confirmed, the backlog is gone
            poll(stream, 4000);
            PgOffset done = (PgOffset) stream.position(); // later polls move the position on with keepalives
            stream.committed(done);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long confirmed;
            do {
                poll0(stream); // sends the confirmation
                confirmed = PgTests.confirmedFlush(db, slot);
            } while (confirmed < done.lsn() && System.nanoTime() < deadline);
            assertThat(confirmed).isGreaterThanOrEqualTo(done.lsn());
            assertThat(stream.measureHealth().backlogBytes()).isLessThan(generated);
        }
    }

    @Test
    void aDroppedSlotIsCritical(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE hl_t (id int PRIMARY KEY)");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        PipelineContext context = context(PgTests.uniqueName());
        source.open(null, context).close(); // creates the slot, which is then idle and can be dropped
        String slot = source.slotName(context);
        PgTests.dropSlot(db, slot);
        SlotHealth check = new SlotHealth(source.connector(context), slot);
        try {
            SourceHealth gone = check.check(context.clock());
            assertThat(gone.risk()).isEqualTo(Risk.CRITICAL);
            assertThat(gone.reason()).contains("does not exist any more").contains("re-snapshot");
        } finally {
            check.close();
        }
    }

    @Test
    void pipelineStatusShowsTheBacklogOfAPipelineThatDoesNotCommit(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE hl_t (id int PRIMARY KEY, pad text)");
        String name = PgTests.uniqueName();
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        // commits only when it closes: the slot's consumer confirms nothing meanwhile
        try (Pipeline pipeline = Pipeline.builder().name(name).source(source).sink(new MemorySink())
                .offsetStore(new InMemoryOffsetStore()).commitInterval(Duration.ofHours(1)).build()) {
            pipeline.start();
            SourceHealth first = await(pipeline, h -> h.checkedAt() != null);
            long before = currentLsn(db);
            db.execute("INSERT INTO hl_t SELECT g, repeat('x', 500) FROM generate_series(1, 4000) g");
            long generated = currentLsn(db) - before;

            SourceHealth grown = await(pipeline, h -> h.checkedAt().isAfter(first.checkedAt())
                    && h.backlogBytes() >= generated);
            Direct after = direct(db, source.slotName(PgTests.context(name)));
            assertThat(grown.backlogBytes()).isGreaterThan(first.backlogBytes())
                    .isLessThanOrEqualTo(after.backlog());
            assertThat(grown.risk()).isNotEqualTo(Risk.UNKNOWN);
        }
    }

    /** Waits (up to a minute: the probe measures every 10 s) for the pipeline's source health to satisfy done. */
    private static SourceHealth await(Pipeline pipeline, Predicate<SourceHealth> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        SourceHealth health = pipeline.status().sourceHealth();
        while (health.checkedAt() == null || !done.test(health)) {
            assertThat(System.nanoTime()).as("source health reached in time; last: %s", health)
                    .isLessThan(deadline);
            Thread.sleep(50);
            health = pipeline.status().sourceHealth();
        }
        return health;
    }

    private static void poll0(ChangeStream stream) throws InterruptedException {
        stream.poll(Duration.ofMillis(50));
    }

    private static long currentLsn(PostgresDatabase db) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn()::text");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return PgOffset.parseLsn(rs.getString(1));
        }
    }

    private static Direct direct(PostgresDatabase db, String slot) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT wal_status,"
                + " coalesce(safe_wal_size, -1), pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,"
                + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,"
                + " pg_size_bytes(current_setting('max_slot_wal_keep_size'))"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("slot %s exists", slot).isTrue();
                return new Direct(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            }
        }
    }
}

package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.PipelineContext;
import dev.sluice.RetriableException;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One process per pipeline, and one slot per pipeline name. */
@ExtendWith(PostgresExtension.class)
class FencingIT {

    @Test
    void aSecondProcessOfARunningPipelineStopsAtOnceAndTheFirstRunsOn(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 5000)");
        PipelineContext context = context(PgTests.uniqueName());
        PostgresSource first = source(db).build();
        PostgresSource second = source(db).build(); // another process: another source object
        try (ChangeStream running = first.open(null, context)) {
            // during the snapshot the slot is idle: the second must still not drop it
            List<ChangeEvent> part = running.poll(Duration.ofSeconds(1));
            Offset snapshotOffset = part.get(part.size() - 1).offset();
            assertThatThrownBy(() -> second.open(snapshotOffset, context)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("pipeline " + context.pipelineName() + " is already running (slot "
                            + first.slotName(context) + " is held by pid")
                    .hasMessageMatching("(?s).*is held by pid [1-9][0-9]*, application 'sluice-[0-9a-f]{8}-"
                            + context.pipelineName() + "'.*");
            assertThatThrownBy(() -> second.open(null, context)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("is already running");
            List<ChangeEvent> rest = poll(running, 5000 - part.size() + 1);
            assertThat(rest).hasSize(5000 - part.size() + 1); // the first's snapshot completes undisturbed

            db.execute("INSERT INTO t VALUES (6000)");
            assertThat(poll(running, 1).get(0).after().get(0)).isEqualTo(6000);
            Offset streamed = running.position();
            assertThatThrownBy(() -> second.open(streamed, context)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("is already running");
            db.execute("INSERT INTO t VALUES (6001)");
            assertThat(poll(running, 1).get(0).after().get(0)).as("the first still streams").isEqualTo(6001);
        }
    }

    @Test
    void anEarlierSessionOfTheSameSourceStillHoldingTheSlotIsRetriable(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        PipelineContext context = context(PgTests.uniqueName());
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        try (ChangeStream lingering = source.open(null, context)) {
            lingering.poll(Duration.ofMillis(100));
            assertThatThrownBy(() -> source.open(null, context)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("an earlier session of this pipeline");
        }
        try (ChangeStream again = source.open(null, context)) {
            db.execute("INSERT INTO t VALUES (1)");
            assertThat(poll(again, 1).get(0).after().get(0)).isEqualTo(1);
        }
    }

    @Test
    void twoFreshStartsAtOnceLeaveOneRunningAndTellTheOtherItIsAlreadyRunning(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                PipelineContext context = context(PgTests.uniqueName());
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<ChangeStream>> starts = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    PostgresSource source = source(db).build();
                    starts.add(pool.submit(() -> {
                        together.await();
                        return source.open(null, context);
                    }));
                }
                List<ChangeStream> opened = new ArrayList<>();
                List<Throwable> failed = new ArrayList<>();
                for (Future<ChangeStream> start : starts) {
                    try {
                        opened.add(start.get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed.add(e.getCause());
                    }
                }
                try {
                    assertThat(opened).as("round %d", round).hasSize(1);
                    assertThat(failed.get(0)).isInstanceOf(FatalException.class)
                            .hasMessageContaining("is already running").hasMessageNotContaining("CREATE PUBLICATION");
                    assertThat(poll(opened.get(0), 1).get(0).after().get(0)).isEqualTo(1);
                } finally {
                    opened.forEach(ChangeStream::close);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoPipelinesSharingAPublicationStartAtOnceWithoutAskingForItByHand(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String publication = "pub_" + PgTests.uniqueName();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<ChangeStream>> starts = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    PostgresSource source = source(db).publicationName(publication)
                            .snapshotMode(SnapshotMode.NEVER).build();
                    PipelineContext context = context(PgTests.uniqueName());
                    starts.add(pool.submit(() -> {
                        together.await();
                        return source.open(null, context);
                    }));
                }
                for (Future<ChangeStream> start : starts) {
                    start.get().close(); // neither fails
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pipelineNamesThatNormaliseAlikeKeepTheirOwnSlots(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        String base = PgTests.uniqueName();
        PipelineContext dotted = context(base + "-x.y");
        PipelineContext underscored = context(base + "_x_y");
        PostgresSource source = source(db).snapshotMode(SnapshotMode.NEVER).build();
        assertThat(source.slotName(dotted)).isNotEqualTo(source.slotName(underscored));
        try (ChangeStream a = source.open(null, dotted); ChangeStream b = source(db).build().open(null, underscored)) {
            db.execute("INSERT INTO t VALUES (1)");
            assertThat(poll(a, 1).get(0).after().get(0)).isEqualTo(1);
            assertThat(poll(b, 1).get(0).after().get(0)).isEqualTo(1);
        }
    }

    @Test
    void aStoredOffsetOfTheOldDerivedSlotNameFailsNamingHowToKeepIt(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        PipelineContext context = context(PgTests.uniqueName() + "-legacy");
        String legacy = PostgresSource.legacyName(context.pipelineName());
        PostgresSource old = source(db).slotName(legacy).publicationName(legacy).snapshotMode(SnapshotMode.NEVER)
                .build();
        Offset stored;
        try (ChangeStream stream = old.open(null, context)) {
            db.execute("INSERT INTO t VALUES (1)");
            stored = poll(stream, 1).get(0).offset();
        }
        PostgresSource derived = source(db).build();
        assertThatThrownBy(() -> derived.open(stored, context)).isInstanceOf(FatalException.class)
                .hasMessageContaining(".slotName(\"" + legacy + "\").publicationName(\"" + legacy + "\")");
        try (ChangeStream kept = old.open(stored, context)) {
            db.execute("INSERT INTO t VALUES (2)");
            assertThat(poll(kept, 1).get(0).after().get(0)).isEqualTo(2);
        }
    }
}

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
import dev.sluice.Op;
import dev.sluice.Pipeline;
import dev.sluice.PipelineContext;
import dev.sluice.Source;
import dev.sluice.offset.InMemoryOffsetStore;
import dev.sluice.testkit.MemorySink;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** infinity, -infinity and the extremes of date/time types: one rule in snapshot and stream, or a fatal stop. */
@ExtendWith(PostgresExtension.class)
class DateTimeRangeIT {

    /** -infinity: the smallest whole second whose microseconds fit 64 bits. */
    private static final long MINUS_INFINITY_MICROS = Long.MIN_VALUE / 1_000_000L * 1_000_000L;


    private static final String TABLE = "CREATE TABLE r (id int PRIMARY KEY, d date, ts timestamp, tstz timestamptz,"
            + " tss timestamp[])";
    private static final String ROWS = "(1, 'infinity', 'infinity', 'infinity', '{infinity,-infinity}'),"
            + " (2, '-infinity', '-infinity', '-infinity', NULL),"
            + " (3, '5874897-12-31', '294246-12-31 23:59:59.999999', '4714-11-24 00:00:00+00 BC', NULL),"
            + " (4, '4714-11-24 BC', '4714-11-24 00:00:00 BC', '294246-12-31 23:59:59.999999+00', NULL)";

    @Test
    void infinityAndExtremesFitSixtyFourBitMicrosAndAgreeInSnapshotAndStream(PostgresDatabase db) throws Exception {
        db.execute(TABLE, "INSERT INTO r VALUES " + ROWS);
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            List<ChangeEvent> reads = poll(stream, 4);
            db.execute("INSERT INTO r SELECT id + 10, d, ts, tstz, tss FROM r");
            List<ChangeEvent> inserts = poll(stream, 4);
            assertThat(reads).extracting(ChangeEvent::op).containsOnly(Op.READ);
            assertThat(inserts).extracting(ChangeEvent::op).containsOnly(Op.INSERT);
            List<List<Object>> expected = List.of(
                    Arrays.asList(LocalDate.ofEpochDay(Integer.MAX_VALUE), localOfMicros(Long.MAX_VALUE),
                            instantOfMicros(Long.MAX_VALUE),
                            List.of(localOfMicros(Long.MAX_VALUE), localOfMicros(MINUS_INFINITY_MICROS))),
                    Arrays.asList(LocalDate.ofEpochDay(-Integer.MAX_VALUE), localOfMicros(MINUS_INFINITY_MICROS),
                            instantOfMicros(MINUS_INFINITY_MICROS), null),
                    Arrays.asList(LocalDate.of(5874897, 12, 31), LocalDateTime.parse("+294246-12-31T23:59:59.999999"),
                            Instant.parse("-4713-11-24T00:00:00Z"), null),
                    Arrays.asList(LocalDate.of(-4713, 11, 24), LocalDateTime.parse("-4713-11-24T00:00:00"),
                            Instant.parse("+294246-12-31T23:59:59.999999Z"), null));
            for (int i = 0; i < 4; i++) {
                assertThat(reads.get(i).after().values().subList(1, 5)).as("snapshot row %d", i + 1)
                        .isEqualTo(expected.get(i));
                assertThat(inserts.get(i).after().values().subList(1, 5)).as("stream row %d", i + 11)
                        .isEqualTo(expected.get(i));
            }
            for (ChangeEvent event : reads) {
                // every value is what a sink storing 32-bit days and 64-bit microseconds since 1970 can write
                Math.toIntExact(((LocalDate) event.after().get(1)).toEpochDay());
                micros(((LocalDateTime) event.after().get(2)).toInstant(ZoneOffset.UTC));
                micros((Instant) event.after().get(3));
            }
        }
    }

    @Test
    void aTimestampBeyondSixtyFourBitMicrosStopsTheSnapshotNamingTheColumn(PostgresDatabase db) throws Exception {
        db.execute(TABLE, "INSERT INTO r (id, ts) VALUES (1, '294270-06-01 00:00:00')");
        try (ChangeStream stream = source(db).build().open(null, context(PgTests.uniqueName()))) {
            assertThatThrownBy(() -> poll(stream, 1)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("public.r.ts").hasMessageContaining("294270-06-01 00:00:00")
                    .hasMessageContaining("Fix:");
        }
    }

    @Test
    void aTimestampBeyondSixtyFourBitMicrosStopsTheStreamNamingTheColumn(PostgresDatabase db) throws Exception {
        db.execute(TABLE);
        PipelineContext context = context(PgTests.uniqueName());
        try (ChangeStream stream = source(db).build().open(null, context)) {
            stream.poll(Duration.ofMillis(200));
            db.execute("INSERT INTO r (id, tstz) VALUES (1, '294276-12-31 23:59:59+00')");
            assertThatThrownBy(() -> poll(stream, 1)).isInstanceOf(FatalException.class)
                    .hasMessageContaining("public.r.tstz").hasMessageContaining("Fix:");
        }
    }

    @Test
    void anUnreadableValueStopsThePipelineOnceInsteadOfRetryingIntoNewSnapshots(PostgresDatabase db)
            throws Exception {
        db.execute(TABLE, "INSERT INTO r (id) SELECT generate_series(1, 10)",
                "INSERT INTO r (id, ts) VALUES (11, '294270-06-01 00:00:00')");
        PostgresSource source = source(db).build();
        AtomicInteger opens = new AtomicInteger();
        Source counting = new Source() {
            @Override
            public ChangeStream open(Offset from, PipelineContext context) {
                opens.incrementAndGet();
                return source.open(from, context);
            }

            @Override
            public Offset decodeOffset(String encoded) {
                return source.decodeOffset(encoded);
            }
        };
        Pipeline pipeline = Pipeline.builder().name(PgTests.uniqueName()).source(counting).sink(new MemorySink())
                .offsetStore(new InMemoryOffsetStore()).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
                .build();
        assertThatThrownBy(() -> pipeline.runUntilCaughtUp()).isInstanceOf(FatalException.class)
                .hasMessageContaining("public.r.ts");
        assertThat(opens.get()).as("opened once: no retry, no second snapshot").isEqualTo(1);
    }

    private static Instant instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static LocalDateTime localOfMicros(long micros) {
        return LocalDateTime.ofInstant(instantOfMicros(micros), ZoneOffset.UTC);
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
}

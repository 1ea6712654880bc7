package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testing.CaptureStreams;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresTriggerCaptureIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("trg-test", Clock.systemUTC());
    private static final String ODD = "\"My \"\"Odd\"\" Table\"";

    private static JdbcCaptureSource.Builder source(PostgresDatabase db) {
        return JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource())
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5));
    }

    private static int count(PostgresDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void capturesEveryOperationWithExactValuesOfTheCommonTypes(PostgresDatabase db) throws Exception {
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE " + ODD + " (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint, f4 real, "
                        + "f8 double precision, n numeric(14,4), nu numeric, t text, ch char(3), by bytea, d date, "
                        + "tm time, ts timestamp, tstz timestamptz, iv interval, u uuid, j jsonb, m mood, "
                        + "arr int[], tarr text[])");
        JdbcCaptureSource source = source(db).build();
        assertThat(source.install()).containsExactly(TableId.of("public", "My \"Odd\" Table"));
        UUID uuid = UUID.fromString("0e4f6b7a-2c1d-4e5f-9a8b-7c6d5e4f3a2b");
        db.execute("SET TIME ZONE 'Asia/Kolkata'",
                "INSERT INTO " + ODD + " VALUES (1, true, -32768, 9223372036854775807, 1.5, 0.1, "
                        + "1234567890.1234, 123456789012345678901234567890.000000000001, 'zoë \"q\" \\ 😀', 'ab', "
                        + "'\\x00ff10', '2024-02-29', '23:59:59.999999', '2024-03-31 02:30:00.000001', "
                        + "'2024-01-01 10:00:00.5+05:30', '1 year 2 mons 3 days 04:05:06.789', '" + uuid + "', "
                        + "'{\"b\": 1, \"a\": [1, 2.50]}', 'happy', '{1,NULL,3}', '{\"x,y\",NULL}')",
                "INSERT INTO " + ODD + " (id) VALUES (2)",
                "UPDATE " + ODD + " SET t = 'changed', n = -0.0001 WHERE id = 1",
                "DELETE FROM " + ODD + " WHERE id = 2",
                "TRUNCATE " + ODD);
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 5, Duration.ofSeconds(60));
        }
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Op.INSERT, Op.INSERT, Op.UPDATE, Op.DELETE, Op.TRUNCATE);
        ChangeEvent insert = events.get(0);
        Schema schema = insert.schema();
        Row row = insert.after();
        assertThat(schema.keyColumns()).extracting(c -> c.name()).containsExactly("id");
        assertThat(row.get(schema, "b")).isEqualTo(true);
        assertThat(row.get(schema, "i2")).isEqualTo((short) -32768);
        assertThat(row.get(schema, "i8")).isEqualTo(Long.MAX_VALUE);
        assertThat(row.get(schema, "f4")).isEqualTo(1.5f);
        assertThat(row.get(schema, "f8")).isEqualTo(0.1d);
        assertThat(row.get(schema, "n")).isEqualTo(new BigDecimal("1234567890.1234"));
        assertThat(row.get(schema, "nu")).isEqualTo(new BigDecimal("123456789012345678901234567890.000000000001"));
        assertThat(row.get(schema, "t")).isEqualTo("zoë \"q\" \\ 😀");
        assertThat(row.get(schema, "ch")).isEqualTo("ab ");
        assertThat((byte[]) row.get(schema, "by")).containsExactly(0, 255, 16);
        assertThat(row.get(schema, "d")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(row.get(schema, "tm")).isEqualTo(LocalTime.parse("23:59:59.999999"));
        assertThat(row.get(schema, "ts")).isEqualTo(LocalDateTime.parse("2024-03-31T02:30:00.000001"));
        assertThat(row.get(schema, "tstz")).isEqualTo(Instant.parse("2024-01-01T04:30:00.5Z"));
        assertThat(row.get(schema, "iv")).isEqualTo(new Interval(14, 3, 14_706_789_000L));
        assertThat(row.get(schema, "u")).isEqualTo(uuid);
        assertThat(row.get(schema, "j")).isEqualTo("{\"a\": [1, 2.50], \"b\": 1}");
        assertThat(row.get(schema, "m")).isEqualTo("happy");
        assertThat(row.get(schema, "arr")).isEqualTo(java.util.Arrays.asList(1, null, 3));
        assertThat(row.get(schema, "tarr")).isEqualTo(java.util.Arrays.asList("x,y", null));
        assertThat(insert.transactionId()).isNotBlank();

        ChangeEvent second = events.get(1);
        assertThat(second.after().get(schema, "id")).isEqualTo(2);
        assertThat(second.after().get(schema, "t")).isNull();

        ChangeEvent update = events.get(2);
        assertThat(update.before().get(schema, "t")).isEqualTo("zoë \"q\" \\ 😀");
        assertThat(update.after().get(schema, "t")).isEqualTo("changed");
        assertThat(update.after().get(schema, "n")).isEqualTo(new BigDecimal("-0.0001"));
        assertThat(update.after().get(schema, "tstz")).isEqualTo(Instant.parse("2024-01-01T04:30:00.5Z"));

        assertThat(events.get(3).before().get(schema, "id")).isEqualTo(2);
        assertThat(events.get(4).table()).isEqualTo(TableId.of("public", "My \"Odd\" Table"));
    }

    @Test
    void changeCommittedLateWithALowerSequenceIsNeverMissedIn200Interleavings(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, who text)");
        JdbcCaptureSource source = source(db).build();
        source.install();
        Random random = new Random(66);
        List<ChangeEvent> events = new ArrayList<>();
        int heldBack = 0;
        try (ChangeStream stream = source.open(null, CONTEXT);
                Connection a = db.connect();
                Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < 200; round++) {
                long idA = 2L * round + 1;
                long idB = 2L * round + 2;
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    if (random.nextBoolean()) {
                        sb.execute("SELECT 1"); // sometimes B's transaction is the older one
                    }
                    sa.execute("INSERT INTO t VALUES (" + idA + ", 'a')"); // A takes the lower sequence value
                    if (random.nextBoolean()) {
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                    sb.execute("INSERT INTO t VALUES (" + idB + ", 'b')");
                    b.commit();
                    int before = events.size();
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                    if (random.nextBoolean()) {
                        Thread.sleep(random.nextInt(3));
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                    boolean readB = events.subList(before, events.size()).stream()
                            .anyMatch(e -> e.after().get(e.schema(), "id").equals(idB));
                    heldBack += readB ? 0 : 1;
                    a.commit();
                    if (random.nextBoolean()) {
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                }
            }
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 400, Duration.ofSeconds(60));
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        List<Long> ids = events.stream().map(e -> (Long) e.after().get(e.schema(), "id")).toList();
        assertThat(ids).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 400).boxed().toList());
        // sequence order: A's change (lower sequence) comes before B's in every round
        for (int round = 0; round < 200; round++) {
            assertThat(ids.indexOf(2L * round + 1)).isLessThan(ids.indexOf(2L * round + 2));
        }
        assertThat(heldBack).as("rounds where B's committed change was held back behind A's open one").isEqualTo(200);
    }

    @Test
    void resumesFromTheStoredOffsetAndPrunesOnlyWhatWasCommitted(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        JdbcCaptureSource source = source(db).batchSize(40).build();
        source.install();
        db.execute("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        Offset committed;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            List<ChangeEvent> first = CaptureStreams.pollCount(stream, 40, Duration.ofSeconds(30));
            committed = first.get(29).offset();
            stream.committed(committed);
            stream.poll(Duration.ofMillis(1)); // prunes on the capture thread
            assertThat(count(db, "SELECT count(*) FROM sluice_changes")).isEqualTo(70);
        }
        List<ChangeEvent> rest;
        try (ChangeStream stream = source.open(source.decodeOffset(committed.encode()), CONTEXT)) {
            rest = CaptureStreams.pollCount(stream, 70, Duration.ofSeconds(30));
            assertThat(stream.poll(Duration.ofMillis(20))).isEmpty();
            stream.committed(stream.position());
            stream.poll(Duration.ofMillis(1));
        }
        assertThat(rest).extracting(e -> e.after().get(e.schema(), "id"))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(31, 100).boxed().toList());
        assertThat(count(db, "SELECT count(*) FROM sluice_changes")).isZero();
    }

    @Test
    void uninstallRemovesTriggersAndChangeTable(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE \"Mixed Case\" (id int PRIMARY KEY)");
        JdbcCaptureSource source = source(db).tables(TableFilter.include("public.Mixed Case")).build();
        source.install();
        source.install(); // idempotent
        assertThat(count(db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).isEqualTo(2);
        assertThat(source.uninstall()).containsExactly(TableId.of("public", "Mixed Case"));
        assertThat(count(db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).isZero();
        assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'sluice_changes%'")).isZero();
        db.execute("INSERT INTO \"Mixed Case\" VALUES (1)");
        assertThatThrownBy(() -> source.open(null, CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("install");
    }
}

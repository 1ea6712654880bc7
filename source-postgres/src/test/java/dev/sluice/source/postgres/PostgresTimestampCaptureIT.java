package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresTimestampCaptureIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("ts-test", Clock.systemUTC());

    private static JdbcCaptureSource.Builder source(PostgresDatabase db) {
        return JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource())
                .mode(Capture.TIMESTAMP)
                .timestampColumn("updated_at")
                .clockSkewMargin(Duration.ofMillis(20))
                .pollInterval(Duration.ofMillis(5));
    }

    private static List<Long> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> (Long) e.row().get(e.schema(), "id")).toList();
    }

    @Test
    void rowCommittedLateWithAnEarlierTimestampIsNeverMissedIn200Interleavings(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, who text, updated_at timestamptz NOT NULL DEFAULT now())");
        Random random = new Random(6);
        List<ChangeEvent> events = new ArrayList<>();
        int heldBack = 0;
        try (ChangeStream stream = source(db).build().open(null, CONTEXT);
                Connection a = db.connect();
                Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < 200; round++) {
                long idA = 2L * round + 1;
                long idB = 2L * round + 2;
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    sa.execute("SELECT 1"); // A's transaction, and its now(), start first
                    maybePoll(stream, events, random);
                    pause(random);
                    boolean aInsertsFirst = random.nextBoolean();
                    if (aInsertsFirst) {
                        sa.execute("INSERT INTO t (id, who) VALUES (" + idA + ", 'a')");
                        maybePoll(stream, events, random);
                    }
                    sb.execute("INSERT INTO t (id, who) VALUES (" + idB + ", 'b')");
                    maybePoll(stream, events, random);
                    b.commit();
                    if (!aInsertsFirst) {
                        sa.execute("INSERT INTO t (id, who) VALUES (" + idA + ", 'a')");
                    }
                    // the window the watermark must guard: B's later timestamp is committed, A's earlier is not
                    int before = events.size();
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                    if (random.nextBoolean()) {
                        pause(random);
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                    heldBack += ids(events.subList(before, events.size())).contains(idB) ? 0 : 1;
                    a.commit();
                    maybePoll(stream, events, random);
                }
            }
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 400, Duration.ofSeconds(60));
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        List<Long> ids = ids(events);
        assertThat(ids).doesNotHaveDuplicates().hasSize(400);
        assertThat(ids).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed()
                .toList());
        // each row comes after every row with a smaller (timestamp, id): the cursor order
        for (int i = 1; i < events.size(); i++) {
            Instant previous = (Instant) events.get(i - 1).after().get(events.get(i - 1).schema(), "updated_at");
            Instant current = (Instant) events.get(i).after().get(events.get(i).schema(), "updated_at");
            assertThat(current).isAfterOrEqualTo(previous);
        }
        assertThat(heldBack).as("rounds where B's committed row was held back behind A's open transaction")
                .isEqualTo(200);
    }

    @Test
    void rowsSharingATimestampCommittedOutOfKeyOrderAreAllRead(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)");
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source(db).build().open(null, CONTEXT);
                Connection a = db.connect();
                Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < 20; round++) {
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    // A takes the lower key and the timestamp; B writes the same timestamp and commits first
                    sa.execute("INSERT INTO t VALUES (" + (2 * round + 1) + ", now())");
                    try (ResultSet rs = sa.executeQuery("SELECT updated_at::text FROM t WHERE id = "
                            + (2 * round + 1))) {
                        rs.next();
                        sb.execute("INSERT INTO t VALUES (" + (2 * round + 2) + ", '" + rs.getString(1) + "')");
                    }
                    b.commit();
                    Thread.sleep(round % 4 == 0 ? 200 : 0);
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                    a.commit();
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                }
            }
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 40, Duration.ofSeconds(30));
            events.addAll(stream.poll(Duration.ofMillis(200)));
        }
        assertThat(ids(events)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
    }

    @Test
    void tableCreatedWhileRunningIsPolledFromItsFirstRowAndARecreatedOneAgain(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)",
                "INSERT INTO a VALUES (1, '2024-01-01 00:00:00+00')");
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source(db).tables(TableFilter.include("public.*")).build().open(null, CONTEXT)) {
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 1, Duration.ofSeconds(30));
            db.execute("CREATE TABLE b (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)",
                    "INSERT INTO b VALUES (7, '2000-01-01 00:00:00+00'), (8, now())");
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 3, Duration.ofSeconds(30));
            assertThat(events.subList(1, 3)).extracting(e -> e.table().name()).containsOnly("b");
            assertThat(ids(events.subList(1, 3))).containsExactly(7L, 8L);
            db.execute("DROP TABLE a", "CREATE TABLE a (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)",
                    "INSERT INTO a VALUES (2, '2023-01-01 00:00:00+00')");
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 4, Duration.ofSeconds(30));
            assertThat(events.get(3).table().name()).isEqualTo("a");
            assertThat(ids(events.subList(3, 4))).containsExactly(2L);
        }
    }

    private static void maybePoll(ChangeStream stream, List<ChangeEvent> events, Random random) throws Exception {
        if (random.nextInt(3) == 0) {
            events.addAll(stream.poll(Duration.ofMillis(1)));
        }
    }

    private static void pause(Random random) throws InterruptedException {
        if (random.nextInt(4) == 0) {
            Thread.sleep(random.nextInt(3));
        }
    }

    @Test
    void thousandsOfRowsSharingOneTimestampCrossBatchesWithoutLossOrRepeats(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, v numeric(10,2), updated_at timestamp NOT NULL)",
                "INSERT INTO t SELECT g, g / 100.0, timestamp '2024-05-01 12:00:00.123456' FROM "
                        + "generate_series(1, 5000) g",
                "INSERT INTO t SELECT g, 0, timestamp '2024-05-01 12:00:00.123457' FROM generate_series(5001, 5003) g");
        JdbcCaptureSource source = source(db).batchSize(333).build();
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 5003, Duration.ofSeconds(60));
            assertThat(stream.poll(Duration.ofMillis(50))).isEmpty();
        }
        assertThat(ids(events)).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 5003).boxed().toList());
        ChangeEvent e = events.get(1233);
        assertThat(e.op()).isEqualTo(Op.UPDATE);
        assertThat(e.after().get(e.schema(), "v")).isEqualTo(new BigDecimal("12.34"));
        assertThat(e.after().get(e.schema(), "updated_at"))
                .isEqualTo(java.time.LocalDateTime.parse("2024-05-01T12:00:00.123456"));
    }

    @Test
    void resumesFromTheStoredOffsetWithoutLossOrRepeats(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())",
                "CREATE TABLE \"Other Table\" (\"Key\" text PRIMARY KEY, updated_at timestamptz NOT NULL)",
                "INSERT INTO t (id) SELECT generate_series(1, 250)",
                "INSERT INTO \"Other Table\" SELECT 'k' || g, now() FROM generate_series(1, 40) g");
        JdbcCaptureSource source = source(db).batchSize(100).build();
        Offset stored;
        List<ChangeEvent> first;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            // one poll usually returns both tables' batches (140), but a transaction of another session on the
            // shared server can hold the watermark back for a moment: poll until they came
            first = CaptureStreams.pollCount(stream, 140, Duration.ofSeconds(30));
            assertThat(first).hasSizeBetween(140, 290);
            stored = stream.position();
        }
        db.execute("INSERT INTO t (id) SELECT generate_series(251, 300)");
        Offset decoded = source.decodeOffset(stored.encode());
        assertThat(decoded).isEqualTo(stored);
        List<ChangeEvent> rest;
        try (ChangeStream stream = source.open(decoded, CONTEXT)) {
            rest = CaptureStreams.pollCount(stream, 340 - first.size(), Duration.ofSeconds(30));
            assertThat(stream.poll(Duration.ofMillis(50))).isEmpty();
        }
        List<ChangeEvent> all = new ArrayList<>(first);
        all.addAll(rest);
        Map<TableId, List<Object>> keys = new HashMap<>();
        for (ChangeEvent e : all) {
            keys.computeIfAbsent(e.table(), k -> new ArrayList<>()).add(e.row().get(e.schema().keyIndexes()[0]));
        }
        assertThat(keys.get(TableId.of("public", "t"))).doesNotHaveDuplicates().hasSize(300);
        assertThat(keys.get(TableId.of("public", "Other Table"))).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void softDeletedRowBecomesADeleteAndValuesMatchTheSource(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id int PRIMARY KEY, price numeric(12,4), note text, at timestamp, "
                        + "deleted boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO items (id, price, note, at) VALUES (1, 12345678.9012, 'zoë 😀', "
                        + "'2024-03-31 02:30:00.000001'), (2, -0.0001, NULL, NULL)");
        JdbcCaptureSource source = source(db).softDeleteColumn("deleted").tables(TableFilter.include("public.items"))
                .build();
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            List<ChangeEvent> inserted = CaptureStreams.pollCount(stream, 2, Duration.ofSeconds(30));
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, price, note, at, updated_at FROM items ORDER BY id")) {
                for (ChangeEvent e : inserted) {
                    rs.next();
                    assertThat(e.after().get(e.schema(), "id")).isEqualTo(rs.getInt(1));
                    assertThat(e.after().get(e.schema(), "price")).isEqualTo(rs.getBigDecimal(2));
                    assertThat(e.after().get(e.schema(), "note")).isEqualTo(rs.getString(3));
                    assertThat(e.after().get(e.schema(), "at"))
                            .isEqualTo(rs.getObject(4, java.time.LocalDateTime.class));
                    assertThat(e.after().get(e.schema(), "updated_at"))
                            .isEqualTo(rs.getObject(5, java.time.OffsetDateTime.class).toInstant());
                }
            }
            db.execute("UPDATE items SET deleted = true, updated_at = now() WHERE id = 2");
            List<ChangeEvent> deleted = CaptureStreams.pollCount(stream, 1, Duration.ofSeconds(30));
            assertThat(deleted.get(0).op()).isEqualTo(Op.DELETE);
            assertThat(deleted.get(0).before().get(deleted.get(0).schema(), "id")).isEqualTo(2);
        }
    }
}

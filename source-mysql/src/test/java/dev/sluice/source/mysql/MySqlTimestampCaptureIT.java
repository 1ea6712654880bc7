package dev.sluice.source.mysql;

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
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testing.CaptureStreams;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class MySqlTimestampCaptureIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("ts-test", Clock.systemUTC());

    private static JdbcCaptureSource.Builder source(MariaDbDatabase db) {
        return JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource())
                .mode(Capture.TIMESTAMP)
                .timestampColumn("updated_at")
                .clockSkewMargin(Duration.ofMillis(20))
                .pollInterval(Duration.ofMillis(5));
    }

    private static List<Long> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> ((Number) e.row().get(e.schema(), "id")).longValue()).toList();
    }

    @Test
    void rowCommittedLateWithAnEarlierTimestampIsNeverMissedIn200Interleavings(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, who VARCHAR(5), "
                + "updated_at DATETIME(6) NOT NULL DEFAULT NOW(6) ON UPDATE NOW(6)) ENGINE=InnoDB");
        Random random = new Random(7);
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
                // a quarter of the rounds keep A open long enough for fresh INNODB_TRX readings while it is open
                boolean longRound = random.nextInt(4) == 0;
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    sa.execute("INSERT INTO t (id, who) VALUES (" + idA + ", 'a')"); // the earlier timestamp
                    maybePoll(stream, events, random);
                    Thread.sleep(random.nextInt(2));
                    sb.execute("INSERT INTO t (id, who) VALUES (" + idB + ", 'b')");
                    maybePoll(stream, events, random);
                    b.commit();
                    if (longRound) {
                        Thread.sleep(150 + random.nextInt(100));
                    }
                    int before = events.size();
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                    if (longRound && ids(events.subList(before, events.size())).contains(idB)) {
                        throw new AssertionError("B's row " + idB + " was read while A's earlier one was open");
                    }
                    heldBack += longRound ? 1 : 0;
                    a.commit();
                    maybePoll(stream, events, random);
                }
            }
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 400, Duration.ofSeconds(60));
            events.addAll(stream.poll(Duration.ofMillis(300)));
        }
        assertThat(ids(events)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
        assertThat(heldBack).isGreaterThan(20);
    }

    @Test
    void rowsSharingATimestampCommittedOutOfKeyOrderAreAllRead(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)");
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source(db).build().open(null, CONTEXT);
                Connection a = db.connect();
                Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < 20; round++) {
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    // A takes the lower key and the timestamp; B writes the same timestamp and commits first
                    sa.execute("INSERT INTO t VALUES (" + (2 * round + 1) + ", NOW(6))");
                    try (ResultSet rs = sa.executeQuery("SELECT updated_at FROM t WHERE id = " + (2 * round + 1))) {
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
    void tableCreatedWhileRunningIsPolledFromItsFirstRowAndATruncatedOneAgain(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE a (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO a VALUES (1, '2024-01-01 00:00:00')");
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source(db).tables(TableFilter.include(db.name() + ".*")).build()
                .open(null, CONTEXT)) {
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 1, Duration.ofSeconds(30));
            // rows written before the stream noticed the table, with old timestamps, are read too
            db.execute("CREATE TABLE b (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)",
                    "INSERT INTO b VALUES (7, '2000-01-01 00:00:00'), (8, NOW(6))");
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 3, Duration.ofSeconds(30));
            assertThat(events.subList(1, 3)).extracting(e -> e.table().name()).containsOnly("b");
            assertThat(ids(events.subList(1, 3))).containsExactly(7L, 8L);
            // a truncated table refilled with older timestamps than its cursor is read again from its first row
            db.execute("TRUNCATE TABLE a", "INSERT INTO a VALUES (2, '2023-01-01 00:00:00')");
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

    @Test
    void thousandsOfRowsSharingOneTimestampCrossBatchesWithoutLossOrRepeats(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v DECIMAL(10,2), updated_at TIMESTAMP(6) NOT NULL)",
                "SET time_zone = '+00:00'",
                "INSERT INTO t SELECT seq, seq / 100, '2024-05-01 12:00:00.123456' FROM seq_1_to_5000",
                "INSERT INTO t SELECT seq, 0, '2024-05-01 12:00:00.123457' FROM seq_5001_to_5003");
        List<ChangeEvent> events;
        try (ChangeStream stream = source(db).batchSize(333).build().open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 5003, Duration.ofSeconds(60));
            assertThat(stream.poll(Duration.ofMillis(50))).isEmpty();
        }
        assertThat(ids(events)).containsExactlyElementsOf(LongStream.rangeClosed(1, 5003).boxed().toList());
        ChangeEvent e = events.get(1233);
        assertThat(e.op()).isEqualTo(Op.UPDATE);
        assertThat(e.after().get(e.schema(), "v")).isEqualTo(new BigDecimal("12.34"));
        assertThat(e.after().get(e.schema(), "updated_at")).isEqualTo(Instant.parse("2024-05-01T12:00:00.123456Z"));
    }

    @Test
    void resumesFromTheStoredOffsetWithoutLossOrRepeats(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL)",
                "CREATE TABLE `Other ``Table``` (`Key` VARCHAR(10) PRIMARY KEY, updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO t SELECT seq, NOW(6) - INTERVAL 1 SECOND FROM seq_1_to_250",
                "INSERT INTO `Other ``Table``` SELECT CONCAT('k', seq), '2024-01-01' FROM seq_1_to_40");
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
        db.execute("INSERT INTO t SELECT seq, NOW(6) - INTERVAL 1 SECOND FROM seq_251_to_300");
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
        assertThat(keys.get(TableId.of(db.name(), "t"))).doesNotHaveDuplicates().hasSize(300);
        assertThat(keys.get(TableId.of(db.name(), "Other `Table`"))).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void softDeletedRowBecomesADeleteAndValuesMatchTheSource(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE items (id INT PRIMARY KEY, price DECIMAL(12,4), note VARCHAR(20), at DATETIME(6), "
                        + "deleted_at DATETIME NULL, updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO items (id, price, note, at, updated_at) VALUES (1, 12345678.9012, 'zoë 😀', "
                        + "'2024-03-31 02:30:00.000001', '2024-01-01'), (2, -0.0001, NULL, NULL, '2024-01-01')");
        JdbcCaptureSource source = source(db).softDeleteColumn("deleted_at")
                .tables(TableFilter.include(db.name() + ".items")).build();
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            List<ChangeEvent> inserted = CaptureStreams.pollCount(stream, 2, Duration.ofSeconds(30));
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, price, note, at FROM items ORDER BY id")) {
                for (ChangeEvent e : inserted) {
                    rs.next();
                    assertThat(e.after().get(e.schema(), "id")).isEqualTo(rs.getInt(1));
                    assertThat(e.after().get(e.schema(), "price")).isEqualTo(rs.getBigDecimal(2));
                    assertThat(e.after().get(e.schema(), "note")).isEqualTo(rs.getString(3));
                    assertThat(e.after().get(e.schema(), "at")).isEqualTo(rs.getObject(4, LocalDateTime.class));
                }
            }
            db.execute("UPDATE items SET deleted_at = NOW(), updated_at = NOW(6) - INTERVAL 1 SECOND WHERE id = 2");
            List<ChangeEvent> deleted = CaptureStreams.pollCount(stream, 1, Duration.ofSeconds(30));
            assertThat(deleted.get(0).op()).isEqualTo(Op.DELETE);
            assertThat(deleted.get(0).before().get(deleted.get(0).schema(), "id")).isEqualTo(2);
        }
    }
}

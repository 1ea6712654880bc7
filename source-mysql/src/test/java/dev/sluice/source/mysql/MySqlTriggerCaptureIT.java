package dev.sluice.source.mysql;

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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MariaDbExtension.class)
class MySqlTriggerCaptureIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("trg-test", Clock.systemUTC());
    private static final String ODD_NAME = "My `Odd` \"Table\"";
    private static final String ODD = "`My ``Odd`` \"Table\"`";

    private static JdbcCaptureSource.Builder source(MariaDbDatabase db) {
        return JdbcCaptureSource.builder(new MySqlCaptureDialect())
                .connections(db.dataSource())
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5));
    }

    private static int count(MariaDbDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void capturesEveryOperationWithExactValuesOfTheCommonTypes(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE " + ODD + " (id INT PRIMARY KEY, b TINYINT(1), i2 SMALLINT, i8 BIGINT, "
                + "ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, n DECIMAL(14,4), t VARCHAR(100), ch CHAR(3), "
                + "bin VARBINARY(10), dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL, j JSON, "
                + "e ENUM('sad','ok','Happy'), y YEAR, bt BIT(3)) DEFAULT CHARSET=utf8mb4");
        JdbcCaptureSource source = source(db).build();
        assertThat(source.install()).containsExactly(TableId.of(db.name(), ODD_NAME));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+05:30'");
            s.execute("INSERT INTO " + ODD + " VALUES (1, 1, -32768, 9223372036854775807, 18446744073709551615, "
                    + "1.5, 0.1, 1234567890.1234, 'zoë \"q\" \\\\ 😀', 'ab', x'00ff10', '2024-02-29', "
                    + "'23:59:59.999999', '2024-03-31 02:30:00.000001', '2024-01-01 10:00:00.5', "
                    + "'{\"b\":1,\"a\":[1,2.50]}', 'Happy', 2024, b'101')");
            s.execute("INSERT INTO " + ODD + " (id) VALUES (2)");
            s.execute("UPDATE " + ODD + " SET t = 'changed', n = -0.0001 WHERE id = 1");
            s.execute("DELETE FROM " + ODD + " WHERE id = 2");
        }
        List<ChangeEvent> events;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            events = CaptureStreams.pollCount(stream, 4, Duration.ofSeconds(60));
        }
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.INSERT, Op.INSERT, Op.UPDATE, Op.DELETE);
        Schema schema = events.get(0).schema();
        Row row = events.get(0).after();
        assertThat(schema.keyColumns()).extracting(c -> c.name()).containsExactly("id");
        // the binlog source's mapping: it cannot tell tinyint(1) from tinyint
        assertThat(row.get(schema, "b")).isEqualTo((short) 1);
        assertThat(row.get(schema, "i2")).isEqualTo((short) -32768);
        assertThat(row.get(schema, "i8")).isEqualTo(Long.MAX_VALUE);
        assertThat(row.get(schema, "ubig")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(row.get(schema, "f")).isEqualTo(1.5f);
        assertThat(row.get(schema, "d")).isEqualTo(0.1d);
        assertThat(row.get(schema, "n")).isEqualTo(new BigDecimal("1234567890.1234"));
        assertThat(row.get(schema, "t")).isEqualTo("zoë \"q\" \\ 😀");
        assertThat(row.get(schema, "ch")).isEqualTo("ab");
        assertThat((byte[]) row.get(schema, "bin")).containsExactly(0, 255, 16);
        assertThat(row.get(schema, "dt")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(row.get(schema, "tm")).isEqualTo(Interval.ofMicros(LocalTime.parse("23:59:59.999999")
                .toNanoOfDay() / 1000));
        assertThat(row.get(schema, "dtm")).isEqualTo(LocalDateTime.parse("2024-03-31T02:30:00.000001"));
        assertThat(row.get(schema, "ts")).isEqualTo(Instant.parse("2024-01-01T04:30:00.5Z"));
        assertThat(row.get(schema, "j")).isEqualTo("{\"b\":1,\"a\":[1,2.50]}");
        assertThat(row.get(schema, "e")).isEqualTo("Happy");
        assertThat(schema.column(schema.indexOf("e")).type().enumValues()).containsExactly("sad", "ok", "Happy");
        assertThat(row.get(schema, "y")).isEqualTo((short) 2024);
        assertThat((byte[]) row.get(schema, "bt")).containsExactly(5);

        assertThat(events.get(1).after().get(schema, "t")).isNull();
        ChangeEvent update = events.get(2);
        assertThat(update.before().get(schema, "t")).isEqualTo("zoë \"q\" \\ 😀");
        assertThat(update.after().get(schema, "t")).isEqualTo("changed");
        assertThat(update.after().get(schema, "n")).isEqualTo(new BigDecimal("-0.0001"));
        assertThat(events.get(3).before().get(schema, "id")).isEqualTo(2);
    }

    @Test
    void changeCommittedLateWithALowerSequenceIsNeverMissedIn200Interleavings(MariaDbDatabase db)
            throws Exception {
        db.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, who VARCHAR(5)) ENGINE=InnoDB");
        JdbcCaptureSource source = source(db).build();
        source.install();
        Random random = new Random(77);
        List<ChangeEvent> events = new ArrayList<>();
        try (ChangeStream stream = source.open(null, CONTEXT);
                Connection a = db.connect();
                Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < 200; round++) {
                long idA = 2L * round + 1;
                long idB = 2L * round + 2;
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    sa.execute("INSERT INTO t VALUES (" + idA + ", 'a')"); // A takes the lower sequence value
                    if (random.nextBoolean()) {
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                    sb.execute("INSERT INTO t VALUES (" + idB + ", 'b')");
                    b.commit();
                    if (random.nextInt(4) == 0) {
                        Thread.sleep(150 + random.nextInt(100)); // long enough for fresh INNODB_TRX readings
                    }
                    events.addAll(stream.poll(Duration.ofMillis(1)));
                    a.commit();
                    if (random.nextBoolean()) {
                        events.addAll(stream.poll(Duration.ofMillis(1)));
                    }
                }
            }
            CaptureStreams.pollUntil(stream, events, e -> e.size() >= 400, Duration.ofSeconds(60));
            events.addAll(stream.poll(Duration.ofMillis(300)));
        }
        List<Long> ids = events.stream().map(e -> (Long) e.after().get(e.schema(), "id")).toList();
        assertThat(ids).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
        for (int round = 0; round < 200; round++) {
            assertThat(ids.indexOf(2L * round + 1)).as("round " + round).isLessThan(ids.indexOf(2L * round + 2));
        }
    }

    @Test
    void resumesFromTheStoredOffsetAndPrunesOnlyWhatWasCommitted(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
        JdbcCaptureSource source = source(db).batchSize(40).build();
        source.install();
        db.execute("INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_100");
        Offset committed;
        try (ChangeStream stream = source.open(null, CONTEXT)) {
            List<ChangeEvent> first = CaptureStreams.pollCount(stream, 40, Duration.ofSeconds(30));
            committed = first.get(29).offset();
            try (Connection writer = db.connect()) {
                // an open writer holds its uncommitted change row: pruning must not wait for it
                writer.setAutoCommit(false);
                try (Statement s = writer.createStatement()) {
                    s.execute("INSERT INTO t VALUES (1000, 'open')");
                }
                stream.committed(committed);
                stream.poll(Duration.ofMillis(1));
                writer.rollback();
            }
            assertThat(count(db, "SELECT COUNT(*) FROM sluice_changes")).isEqualTo(70);
        }
        List<ChangeEvent> rest;
        try (ChangeStream stream = source.open(source.decodeOffset(committed.encode()), CONTEXT)) {
            rest = CaptureStreams.pollCount(stream, 70, Duration.ofSeconds(30));
            assertThat(stream.poll(Duration.ofMillis(20))).isEmpty();
            stream.committed(stream.position());
            stream.poll(Duration.ofMillis(1));
        }
        assertThat(rest).extracting(e -> e.after().get(e.schema(), "id"))
                .containsExactlyElementsOf(IntStream.rangeClosed(31, 100).boxed().toList());
        assertThat(count(db, "SELECT COUNT(*) FROM sluice_changes")).isZero();
    }

    @Test
    void uninstallRemovesTriggersAndChangeTable(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE `Mixed Case` (id INT PRIMARY KEY)", "CREATE TABLE other (id INT PRIMARY KEY)");
        JdbcCaptureSource source = source(db).tables(TableFilter.include(db.name() + ".Mixed Case")).build();
        source.install();
        source.install(); // idempotent
        String triggers = "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db.name()
                + "'";
        assertThat(count(db, triggers)).isEqualTo(3);
        assertThat(source.uninstall()).containsExactly(TableId.of(db.name(), "Mixed Case"));
        assertThat(count(db, triggers)).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db.name()
                + "' AND TABLE_NAME = 'sluice_changes'")).isZero();
        db.execute("INSERT INTO `Mixed Case` VALUES (1)");
        assertThatThrownBy(() -> source.open(null, CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining("install");
    }
}

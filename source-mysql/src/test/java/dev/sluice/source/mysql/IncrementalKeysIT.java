package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An incremental snapshot reads every row once, in chunks, whatever the type of its key. */
@ExtendWith(MariaDbExtension.class)
class IncrementalKeysIT {

    private static final List<String> KEY_TABLES = List.of("k_bigint", "k_bin", "k_ci", "k_comp", "k_dec", "k_dt",
            "k_int", "k_ts", "k_ubig", "k_uuid");

    @Test
    void rowsOfEveryKeyKindAreReadExactlyOnceInManySmallChunks(MariaDbDatabase db) throws Exception {
        createKeyTables(db);
        ChangeStream stream = Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(7).build()
                .open(null, Streams.CONTEXT);
        List<ChangeEvent> events;
        try {
            events = pollUntilSnapshotDone(stream);
        } finally {
            stream.close();
        }
        List<String> tables = KEY_TABLES;
        for (String name : tables) {
            TableId table = TableId.of(db.name(), name);
            List<ChangeEvent> ofTable = events.stream().filter(e -> e.table().equals(table)).toList();
            assertThat(ofTable).as(name).isNotEmpty();
            assertThat(ofTable.get(0).op()).as(name + " begins with its TRUNCATE").isEqualTo(Op.TRUNCATE);
            assertThat(ofTable.subList(1, ofTable.size())).as(name).allMatch(e -> e.op() == Op.READ);
            Set<String> keys = new HashSet<>();
            for (ChangeEvent read : ofTable.subList(1, ofTable.size())) {
                assertThat(keys.add(Folded.key(read.schema(), read.after()))).as(name + " key read once: "
                        + read.after()).isTrue();
            }
            Map<String, String> expected = consistentSnapshot(db, table);
            assertThat(keys).as(name + " every row, many chunks").hasSize(expected.size()).hasSizeGreaterThan(20);
            assertThat(Folded.fold(ofTable, table)).as(name).isEqualTo(expected);
        }
        // tables in order, each begun after the previous one's rows
        List<String> order = events.stream().filter(e -> e.op() == Op.TRUNCATE).map(e -> e.table().name()).toList();
        assertThat(order).containsExactlyElementsOf(tables);
    }

    @Test
    void binlogRowsOfEveryKeyKindMatchTheChunksShapeSoWritesInTheWindowDoNotDropChunks(MariaDbDatabase db)
            throws Exception {
        createKeyTables(db);
        MySqlChangeStream stream = (MySqlChangeStream) Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL)
                .snapshotChunkSize(7).build().open(null, Streams.CONTEXT);
        AtomicInteger writes = new AtomicInteger();
        stream.incremental().afterRead(() -> {
            try {
                for (String table : KEY_TABLES) {
                    db.execute("UPDATE " + table + " SET v = 'w" + writes.incrementAndGet() + "' ORDER BY RAND() LIMIT 1");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<ChangeEvent> events;
        try {
            events = pollUntilSnapshotDone(stream);
        } finally {
            stream.close();
        }
        long updates = events.stream().filter(e -> e.op() == Op.UPDATE).count();
        assertThat(updates).as("updates inside windows").isGreaterThan(100);
        for (String name : KEY_TABLES) {
            TableId table = TableId.of(db.name(), name);
            assertThat(Folded.fold(events, table)).as(name).isEqualTo(consistentSnapshot(db, table));
        }
        // about 80 chunks, each read once: a write of the same table inside a chunk's window, in the binlog's
        // shape of its rows, did not drop the chunk (a dropped chunk is read again, and written in again)
        assertThat(writes.get() / KEY_TABLES.size()).as("chunk reads").isLessThan(120);
    }

    @Test
    void keylessTableIsRefusedWithTheFix(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE has_key (id int PRIMARY KEY)", "CREATE TABLE no_key (v int)");
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).build();
        assertThatThrownBy(() -> source.open(null, Streams.CONTEXT)).isInstanceOf(FatalException.class)
                .hasMessageContaining(db.name() + ".no_key").hasMessageContaining("no primary key")
                .hasMessageContaining("add a primary key").hasMessageContaining("SnapshotMode.INITIAL");
    }

    @Test
    void positionOnlyCommitMidSnapshotKeepsTheProgress(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE TABLE other (id int PRIMARY KEY)");
        insertRange(db, "t", 1, 100);
        MySqlSource source = Streams.source(db).snapshotMode(SnapshotMode.INCREMENTAL).snapshotChunkSize(10)
                .tables(TableFilter.include(db.name() + ".t")).build();
        ChangeStream stream = source.open(null, Streams.CONTEXT);
        try {
            List<ChangeEvent> events = Streams.pollUntil(stream, e -> e.size() > 20);
            ChangeEvent last = events.get(events.size() - 1);
            MySqlOffset lastOffset = (MySqlOffset) last.offset();
            assertThat(lastOffset.chunk()).isNotNull();
            assertThat(lastOffset.chunk().table()).isEqualTo(TableId.of(db.name(), "t"));
            assertThat(lastOffset.chunk().lastKey()).containsExactly(String.valueOf(last.after().get(0)));
            // writes the stream reads past without an event of its own: the position moves, the progress stays
            db.execute("INSERT INTO other VALUES (1)", "INSERT INTO other VALUES (2)");
            MySqlOffset position = (MySqlOffset) stream.position();
            assertThat(position.chunk()).isEqualTo(lastOffset.chunk());
            MySqlOffset decoded = (MySqlOffset) source.decodeOffset(position.encode());
            assertThat(decoded).isEqualTo(position);
            assertThat(decoded.covers((MySqlOffset) stream.head())).as("a snapshot in progress covers no head").isFalse();
        } finally {
            stream.close();
        }
    }

    @Test
    void userWithoutReloadTakesAnIncrementalSnapshot(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v varchar(10))");
        insertRange(db, "t", 1, 30);
        String user = "incr_maria_" + ThreadLocalRandom.current().nextInt(1_000_000);
        try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
            for (String host : List.of("%", "localhost")) {
                s.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY 'pw'");
                s.execute("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + user + "'@'" + host + "'");
            }
        }
        try {
            ChangeStream stream = Streams.source(db).user(user).password("pw").snapshotMode(SnapshotMode.INCREMENTAL)
                    .snapshotChunkSize(4).build().open(null, Streams.CONTEXT);
            try {
                List<ChangeEvent> events = pollUntilSnapshotDone(stream);
                assertThat(events.stream().filter(e -> e.op() == Op.READ).map(e -> e.after().get(0)))
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed()
                                .map(Object.class::cast).toList());
                db.execute("INSERT INTO t VALUES (31, 'new')");
                assertThat(Streams.poll(stream, 1)).extracting(e -> e.op() + ":" + e.after().get(0))
                        .containsExactly("INSERT:31");
            } finally {
                stream.close();
            }
        } finally {
            try (Connection c = db.adminConnect(); Statement s = c.createStatement()) {
                s.execute("DROP USER '" + user + "'@'%'");
                s.execute("DROP USER '" + user + "'@'localhost'");
            }
        }
    }

    /** Polls until the stream's offsets carry no snapshot progress any more. */
    static List<ChangeEvent> pollUntilSnapshotDone(ChangeStream stream) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (((MySqlOffset) stream.position()).chunk() != null) {
            assertThat(System.nanoTime()).as("snapshot still running: " + stream.position()).isLessThan(deadline);
            events.addAll(stream.poll(Duration.ofMillis(100)));
        }
        return events;
    }

    /** The table as the consistent snapshot reads it, folded. */
    static Map<String, String> consistentSnapshot(MariaDbDatabase db, TableId table) throws Exception {
        ChangeStream once = Streams.source(db).snapshotMode(SnapshotMode.INITIAL_ONLY)
                .tables(TableFilter.include(table.toString())).build().open(null, Streams.CONTEXT);
        List<ChangeEvent> events = new ArrayList<>();
        try {
            while (!once.isFinished()) {
                events.addAll(once.poll(Duration.ofMillis(100)));
            }
        } finally {
            once.close();
        }
        return Folded.fold(events, table);
    }

    static void insertRange(MariaDbDatabase db, String table, int from, int to) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ", ").append("(").append(id).append(", ").append(id % 7).append(")");
        }
        db.execute(sql.toString());
    }

    static void createKeyTables(MariaDbDatabase db) throws Exception {
        db.execute("CREATE TABLE k_int (id int PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_bigint (id bigint PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_ubig (id bigint unsigned PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_ci (id varchar(40) COLLATE utf8mb4_general_ci PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_dec (id decimal(38,20) PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_bin (id binary(16) PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_uuid (id char(36) COLLATE utf8mb4_unicode_ci PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_dt (id datetime(6) PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_ts (id timestamp(6) NOT NULL PRIMARY KEY, v varchar(20))",
                "CREATE TABLE k_comp (a int, b varchar(10) COLLATE utf8mb4_general_ci, c binary(2), v varchar(20),"
                        + " PRIMARY KEY (a, b, c))");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            Map<String, List<Object>> keys = new HashMap<>();
            List<Object> ints = new ArrayList<>(List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1));
            List<Object> bigs = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1, (1L << 53) + 2,
                    (1L << 53) + 3, -(1L << 53) - 1, -(1L << 53) - 2));
            List<Object> ubigs = new ArrayList<>(List.of("18446744073709551615", "18446744073709551614",
                    "9223372036854775808", "9223372036854775807", "0", "9007199254740993", "9007199254740994"));
            List<Object> cis = new ArrayList<>(List.of("a", "B", "c", "D", "aa", "AB", "ac", "Äb", "Straße", "zz", "Z1",
                    "é1", "e2", "É3", "", "_", "a b", "ab"));
            List<Object> decs = new ArrayList<>(List.of("0.10000000000000000001", "0.10000000000000000002",
                    "0.10000000000000000003", "0.1", "-0.1", "-0.10000000000000000001",
                    "123456789012345678.12345678901234567890", "123456789012345678.12345678901234567891"));
            List<Object> bins = new ArrayList<>();
            bins.add(new byte[16]);
            byte[] ff = new byte[16];
            Arrays.fill(ff, (byte) 0xff);
            bins.add(ff);
            List<Object> uuids = new ArrayList<>();
            List<Object> dts = new ArrayList<>(List.of("2024-01-01 00:00:00.000001", "2024-01-01 00:00:00.000002",
                    "2024-01-01 00:00:00", "1000-01-01 00:00:00", "9999-12-31 23:59:59.999999",
                    "2024-01-01 00:00:00.999999", "2024-01-01 00:00:01"));
            List<Object> tss = new ArrayList<>(List.of("2024-03-31 01:59:59.999999", "2024-03-31 02:00:00.000001",
                    "2024-01-01 00:00:00.000001", "2024-01-01 00:00:00.000002", "1970-01-01 00:00:01",
                    "2038-01-19 03:14:07.999999"));
            for (int i = 0; i < 45; i++) {
                ints.add(random.nextInt());
                bigs.add(random.nextLong());
                ubigs.add(new BigInteger(64, random).toString());
                cis.add((random.nextBoolean() ? "k" : "K") + i + (random.nextBoolean() ? "é" : "E"));
                decs.add(new BigDecimal(BigInteger.valueOf(random.nextLong()), 20).toPlainString());
                byte[] bytes = new byte[16];
                random.nextBytes(bytes);
                bins.add(bytes);
                String uuid = UUID.randomUUID().toString();
                uuids.add(i % 2 == 0 ? uuid.toUpperCase() : uuid);
                dts.add(String.format("2025-06-01 12:00:%02d.%06d", i % 60, random.nextInt(1_000_000)));
                tss.add(String.format("2025-06-01 12:%02d:00.%06d", i % 60, random.nextInt(1_000_000)));
            }
            keys.put("k_int", ints);
            keys.put("k_bigint", bigs);
            keys.put("k_ubig", ubigs);
            keys.put("k_ci", cis);
            keys.put("k_dec", decs);
            keys.put("k_bin", bins);
            keys.put("k_uuid", uuids);
            keys.put("k_dt", dts);
            keys.put("k_ts", tss);
            try (Statement s = c.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
            }
            for (Map.Entry<String, List<Object>> table : keys.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + table.getKey()
                        + " VALUES (?, ?)")) {
                    int n = 0;
                    for (Object key : table.getValue()) {
                        ps.setObject(1, key);
                        ps.setString(2, "v" + n++);
                        ps.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO k_comp VALUES (?, ?, ?, ?)")) {
                int n = 0;
                for (int a = 1; a <= 3; a++) {
                    for (String b : List.of("a", "B", "c", "D", "é")) {
                        for (int c2 = 0; c2 < 3; c2++) {
                            ps.setInt(1, a);
                            ps.setString(2, b);
                            ps.setBytes(3, new byte[] {(byte) (c2 * 120), (byte) 0x80});
                            ps.setString(4, "v" + n++);
                            ps.executeUpdate();
                        }
                    }
                }
            }
            c.commit();
        }
    }
}

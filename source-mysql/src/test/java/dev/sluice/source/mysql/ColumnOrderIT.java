package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every type of {@link TypesIT}, plus the columns whose optional metadata has its own lists (latin1 ENUM and SET
 * labels, geometry subtypes, unsigned after text, text after geometry), in many random column orders: the binlog's
 * TABLE_MAP metadata is indexed per column kind, and a walk that counts the wrong kind is only wrong for some orders.
 * For every order, binlog values equal snapshot values equal the literals the server was given, and both paths give
 * one schema.
 */
@ExtendWith(MariaDbExtension.class)
class ColumnOrderIT {

    private static final int ORDERS = 8;

    /** Like {@link TypesIT#COLUMNS}: name, type, then SQL and Java value for rows A, B and Z. */
    private static final Object[][] EXTRA = {
        {"en1", "enum('é','Ü','ß') CHARACTER SET latin1", "'Ü'", "Ü", "'é'", "é", "'ß'", "ß"},
        {"st1", "set('é','Ü','ß') CHARACTER SET latin1", "'é,ß'", "é,ß", "''", "", "'Ü'", "Ü"},
        {"en8", "enum('ü','x') CHARACTER SET utf8mb4", "'ü'", "ü", "'x'", "x", "'x'", "x"},
        {"pt", "point", "ST_GeomFromText('POINT(3 4)')",
            HexFormat.of().parseHex("010100000000000000000008400000000000001040"),
            "ST_GeomFromText('POINT(0 0)')", HexFormat.of().parseHex("010100000000000000000000000000000000000000"),
            "NULL", null},
        {"vc2", "varchar(10) CHARACTER SET latin1", "'ÿ'", "ÿ", "''", "", "'a'", "a"},
        {"bl2", "mediumblob", "X'FF00FE'", new byte[] {(byte) 0xFF, 0, (byte) 0xFE}, "X''", new byte[0], "X'80'",
            new byte[] {(byte) 0x80}},
        {"iu2", "int unsigned", "4294967295", 4294967295L, "7", 7L, "0", 0L},
        {"ch", "char(3) CHARACTER SET ascii", "'abc'", "abc", "''", "", "'z'", "z"},
    };

    @Test
    void everyTypeInRandomColumnOrdersReadsTheSameFromBinlogSnapshotAndServer(MariaDbDatabase db) throws Exception {
        List<Object[]> all = new ArrayList<>(Arrays.asList(TypesIT.COLUMNS));
        all.addAll(Arrays.asList(EXTRA));
        Random random = new Random(19);
        for (int order = 0; order < ORDERS; order++) {
            List<Object[]> columns = new ArrayList<>(all);
            Collections.shuffle(columns, random);
            check(db, "t" + order, columns);
        }
    }

    @Test
    void unsignedAfterTextAndTextAfterGeometryKeepTheirOwnMetadata(MariaDbDatabase db) throws Exception {
        // the reported cases, as small tables: int unsigned after varchar, varchar and blob after geometry
        check(db, "small1", List.of(column("sku", "varchar(10)", "'x'", "x"),
                column("qty", "int unsigned", "4294967295", 4294967295L),
                column("biu", "bigint unsigned", "18446744073709551615",
                        new BigDecimal("18446744073709551615")),
                column("d", "decimal(5,2)", "-1.50", new BigDecimal("-1.50"))));
        check(db, "small2", List.of(column("g", "geometry", "ST_GeomFromText('POINT(1 2)')",
                        HexFormat.of().parseHex("0101000000000000000000F03F0000000000000040")),
                column("v", "varchar(10)", "'é'", "é"),
                column("b", "blob", "X'FFFE'", new byte[] {(byte) 0xFF, (byte) 0xFE})));
    }

    private static Object[] column(String name, String type, String sql, Object value) {
        return new Object[] {name, type, sql, value, sql, value, sql, value};
    }

    private static void check(MariaDbDatabase db, String table, List<Object[]> columns) throws Exception {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (");
        for (Object[] column : columns) {
            ddl.append(column[0]).append(' ').append(column[1]).append(", ");
        }
        // the key somewhere in the middle, not always first
        db.execute(ddl.append("id int NOT NULL, PRIMARY KEY (id)) CHARACTER SET utf8mb4").toString());
        insertRows(db, table, columns, 1);
        MySqlSource source = Streams.source(db).tables(TableFilter.include(db.name() + "." + table))
                .build();
        ChangeStream stream = source.open(null, Streams.CONTEXT);
        try {
            List<ChangeEvent> snapshot = Streams.pollSnapshot(stream, 4);
            insertRows(db, table, columns, 11);
            List<ChangeEvent> streamed = Streams.poll(stream, 4);
            Schema schema = snapshot.get(0).schema();
            assertThat(streamed.get(0).schema().columns()).as("%s: binlog schema equals the snapshot's", table)
                    .isEqualTo(schema.columns());
            assertThat(streamed.get(0).schema()).isEqualTo(schema);
            assertThat(snapshot).allMatch(e -> e.op() == Op.READ);
            assertThat(streamed).allMatch(e -> e.op() == Op.INSERT);
            assertRows(table, columns, snapshot, 1);
            assertRows(table, columns, streamed, 11);
            assertServerAgrees(db, table, schema, streamed);
        } finally {
            stream.close();
        }
    }

    /** The binlog's values equal what the server returns over JDBC, column by column (where JDBC has one form). */
    private static void assertServerAgrees(MariaDbDatabase db, String table, Schema schema, List<ChangeEvent> events)
            throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE id >= 11 ORDER BY id")) {
            int row = 0;
            while (rs.next()) {
                ChangeEvent event = events.get(row++);
                for (Column column : schema.columns()) {
                    Object binlog = event.after().get(schema, column.name());
                    if (binlog instanceof String text) {
                        String server = rs.getString(column.name());
                        assertThat(text).as("%s.%s", table, column.name()).isEqualTo(server);
                    } else if (binlog instanceof byte[] bytes && !column.sourceType().startsWith("bit")
                            && !column.sourceType().equals("geometry")) {
                        // (JDBC returns geometry in MySQL's internal form, with an SRID prefix: compared as literals)
                        assertThat(bytes).as("%s.%s", table, column.name()).isEqualTo(rs.getBytes(column.name()));
                    }
                }
            }
            assertThat(row).isEqualTo(4);
        }
    }

    private static void insertRows(MariaDbDatabase db, String table, List<Object[]> columns, int first)
            throws Exception {
        StringBuilder names = new StringBuilder("id");
        for (Object[] column : columns) {
            names.append(", ").append(column[0]);
        }
        List<String> sql = new ArrayList<>();
        sql.add("SET SESSION time_zone = '+00:00'");
        sql.add("SET SESSION sql_mode = ''");
        for (int row = 0; row < 4; row++) {
            StringBuilder values = new StringBuilder().append(first + row);
            for (Object[] column : columns) {
                values.append(", ").append(row == 2 ? "NULL" : column[row == 3 ? 6 : 2 + 2 * row]);
            }
            sql.add("INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")");
        }
        db.execute(sql.toArray(new String[0]));
    }

    private static void assertRows(String table, List<Object[]> columns, List<ChangeEvent> events, int first) {
        int[] valueColumn = {3, 5, -1, 7};
        for (int row = 0; row < 4; row++) {
            ChangeEvent event = events.get(row);
            Schema schema = event.schema();
            assertThat(event.after().get(schema, "id")).isEqualTo(first + row);
            for (Object[] column : columns) {
                Object expected = row == 2 ? null : column[valueColumn[row]];
                assertThat(event.after().get(schema, (String) column[0]))
                        .as("%s row %d column %s (%s) of %s", table, row, column[0], column[1], event.op())
                        .isEqualTo(expected);
            }
        }
    }
}

package dev.sluice.difftest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The MariaDB catalogue: every type the source documents (docs/source-mysql.md), at its boundaries. */
final class MariaTypes {

    private MariaTypes() {}

    private static final BigInteger TWO = BigInteger.TWO;

    /** A random column type allowed on the case's path. */
    static ColumnType any(Values v) {
        List<ColumnType> all = new ArrayList<>();
        String[] ints = {"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT"};
        int[] bits = {8, 16, 24, 32, 64};
        for (int i = 0; i < ints.length; i++) {
            BigInteger half = TWO.pow(bits[i] - 1);
            all.add(new ColumnType(ints[i], Kind.INT, x -> x.integer(half.negate(), half.subtract(BigInteger.ONE))));
            BigInteger max = TWO.pow(bits[i]).subtract(BigInteger.ONE);
            all.add(new ColumnType(ints[i] + " UNSIGNED", Kind.INT, x -> x.integer(BigInteger.ZERO, max)));
        }
        int bitWidth = v.between(1, 64);
        if (bitWidth == 1) {
            all.add(new ColumnType("BIT(1)", Kind.BOOL, x -> x.chance(0.5) ? "b'1'" : "b'0'").withSource("{c}+0"));
        } else {
            BigInteger top = TWO.pow(bitWidth).subtract(BigInteger.ONE);
            all.add(new ColumnType("BIT(" + bitWidth + ")", Kind.BITS, x -> "b'" + new BigInteger(
                    x.integer(BigInteger.ZERO, top)).toString(2) + "'"));
        }
        int p = v.between(1, 65);
        int s = v.between(0, Math.min(p, 30));
        all.add(new ColumnType("DECIMAL(" + p + "," + s + ")", Kind.DECIMAL, x -> x.decimal(p, s)));
        all.add(new ColumnType("DECIMAL(" + p + "," + s + ") UNSIGNED", Kind.DECIMAL,
                x -> x.decimal(p, s).replace("-", "")));
        all.add(new ColumnType("FLOAT", Kind.FLOAT32, x -> PgTypes.floatLiteral(x, true, false)));
        all.add(new ColumnType("DOUBLE", Kind.FLOAT64, x -> PgTypes.floatLiteral(x, false, false)));
        // zero dates (the server's default sql_mode allows them) arrive as NULL: normalisation MARIA_ZERO_DATE_NULL
        double zero = 0.05;
        all.add(new ColumnType("DATE", Kind.DATE, x -> x.chance(zero) ? "'0000-00-00'" : "'" + x.date(1000, 9999) + "'"));
        int fsp = v.between(0, 6);
        all.add(new ColumnType("DATETIME(" + fsp + ")", Kind.TIMESTAMP, x -> x.chance(zero) ? "'0000-00-00 00:00:00'"
                : "'" + x.date(1000, 9999) + " " + x.time(23, fsp) + "'"));
        // TIMESTAMP spans 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC; written in a UTC session
        all.add(new ColumnType("TIMESTAMP(" + fsp + ") NULL", Kind.TIMESTAMPTZ,
                x -> "'" + x.date(1971, 2037) + " " + x.time(23, fsp) + "'"));
        all.add(new ColumnType("TIME(" + fsp + ")", Kind.MICROS, x -> "'" + (x.chance(0.3) ? "-" : "")
                + x.time(838, fsp) + "'").withSource("CAST(ROUND(TIME_TO_SEC({c}) * 1000000) AS SIGNED)"));
        all.add(new ColumnType("YEAR", Kind.INT, x -> x.integer(1901, 2155)));
        int n = v.between(1, 60);
        for (String charset : List.of("latin1", "utf8mb4")) {
            boolean latin1 = charset.equals("latin1");
            boolean wide = !latin1;
            all.add(new ColumnType("VARCHAR(" + n + ") CHARACTER SET " + charset, Kind.TEXT,
                    x -> x.string(x.text(n, latin1, wide))));
            // the server drops the trailing spaces of CHAR, and so does the source (documented)
            all.add(new ColumnType("CHAR(" + n + ") CHARACTER SET " + charset, Kind.TEXT,
                    x -> x.string(x.text(n, latin1, wide).stripTrailing())));
            all.add(new ColumnType("TEXT CHARACTER SET " + charset, Kind.TEXT,
                    x -> x.string(x.text(300, latin1, wide))));
            all.add(new ColumnType("LONGTEXT CHARACTER SET " + charset, Kind.TEXT,
                    x -> x.chance(0.02) && !latin1 ? x.largeText() : x.string(x.text(300, latin1, wide))));
        }
        all.add(new ColumnType("VARBINARY(" + n + ")", Kind.BYTES, x -> x.db().bytes(x.bytes(n))));
        all.add(new ColumnType("BINARY(" + n + ")", Kind.BYTES, x -> x.db().bytes(x.bytes(n))));
        all.add(new ColumnType("CHAR(" + n + ") CHARACTER SET binary", Kind.BYTES, x -> x.db().bytes(x.bytes(n))));
        all.add(new ColumnType("BLOB", Kind.BYTES, x -> x.db().bytes(x.bytes(500))));
        all.add(new ColumnType("LONGBLOB", Kind.BYTES, x -> x.chance(0.02) ? "REPEAT(X'00ff', 300000)"
                : x.db().bytes(x.bytes(500))));
        List<String> labels = List.of("a", "b c", "ü", "😀");
        all.add(new ColumnType("ENUM('a','b c','ü','" + labels.get(3) + "') CHARACTER SET utf8mb4", Kind.TEXT,
                x -> x.string(x.pick(labels))));
        all.add(new ColumnType("ENUM('x','é','y z') CHARACTER SET latin1", Kind.TEXT,
                x -> x.string(x.pick(List.of("x", "é", "y z")))));
        all.add(new ColumnType("SET('r','g','b')", Kind.TEXT,
                x -> x.string(x.pick(List.of("", "r", "g", "r,b", "r,g,b")))));
        all.add(new ColumnType("JSON", Kind.JSON, PgTypes::json));
        all.add(new ColumnType("GEOMETRY", Kind.BYTES, x -> "ST_GeomFromText('POINT(" + x.between(-90, 90) + " "
                + x.between(-90, 90) + ")')").withSource("HEX(ST_AsWKB({c}))"));
        all.add(new ColumnType("POINT", Kind.BYTES, x -> "POINT(" + x.between(-9, 9) + ", 1.5)")
                .withSource("HEX(ST_AsWKB({c}))"));
        return v.pick(all);
    }
}

package dev.sluice.difftest;

import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL catalogue: every type the source documents (docs/source-postgres.md), with boundaries and the
 * values the sinks document as special. {@link #prelude()} creates the user-defined types the catalogue uses.
 */
final class PgTypes {

    private PgTypes() {}

    /** The user-defined types, named after the case so that cases can share a database. */
    static List<String> prelude(String prefix) {
        return List.of("CREATE TYPE " + prefix + "_mood AS ENUM ('sad', 'ok', 'happy 😀', '')",
                "CREATE DOMAIN " + prefix + "_posint AS integer CHECK (VALUE > 0)",
                "CREATE TYPE " + prefix + "_pair AS (a integer, b text)");
    }

    /** A random column type allowed on the case's path. */
    static ColumnType any(Values v) {
        boolean mariaTarget = v.rules.mariaTarget();
        String prefix = v.prefix;
        // MARIA_TARGET_NO_INFINITY: MariaDB's DATE/DATETIME/TIMESTAMP cannot hold the sentinels of infinity
        // (docs/source-postgres.md): the JDBC sink is expected to stop with a fatal error there, so not generated
        boolean infinity = !mariaTarget;
        List<ColumnType> all = new ArrayList<>();
        all.add(new ColumnType("smallint", Kind.INT, x -> x.integer(Short.MIN_VALUE, Short.MAX_VALUE)));
        all.add(new ColumnType("integer", Kind.INT, x -> x.integer(Integer.MIN_VALUE, Integer.MAX_VALUE)));
        all.add(new ColumnType("bigint", Kind.INT, x -> x.integer(Long.MIN_VALUE, Long.MAX_VALUE)));
        all.add(new ColumnType(prefix + "_posint", Kind.INT, x -> x.integer(1, Integer.MAX_VALUE)));
        // the JDBC sink's MariaDB DECIMAL holds 65 digits, 30 after the point (sink-jdbc.md)
        int p = v.chance(0.5) ? v.between(1, 18) : v.between(1, mariaTarget ? 65 : 200);
        int s = v.between(0, Math.min(p, 30));
        all.add(new ColumnType("numeric(" + p + "," + s + ")", Kind.DECIMAL, x -> x.decimal(p, s)));
        all.add(new ColumnType("numeric", Kind.DECIMAL, x -> x.decimal(mariaTarget ? 35 : 60, mariaTarget ? 30 : 40)));
        // MariaDB refuses NaN and infinities (sink-jdbc.md)
        boolean specials = !mariaTarget;
        all.add(new ColumnType("real", Kind.FLOAT32, x -> floatLiteral(x, true, specials)));
        all.add(new ColumnType("double precision", Kind.FLOAT64, x -> floatLiteral(x, false, specials)));
        all.add(new ColumnType("boolean", Kind.BOOL, x -> x.chance(0.5) ? "true" : "false"));
        all.add(new ColumnType("text", Kind.TEXT,
                x -> x.chance(0.01) ? x.largeText() : x.string(x.text(200, false, true))));
        int n = v.between(1, 50);
        all.add(new ColumnType("varchar(" + n + ")", Kind.TEXT, x -> x.string(x.text(n, false, true))));
        all.add(new ColumnType("char(" + n + ")", Kind.TEXT, x -> x.string(x.text(n, false, true).stripTrailing())));
        all.add(new ColumnType("bytea", Kind.BYTES, x -> x.chance(0.01) ? "decode(repeat('00ff', 300000), 'hex')"
                : x.db().bytes(x.bytes(300))));
        all.add(new ColumnType("date", Kind.DATE, x -> infinity && x.chance(0.05) ? infinite(x)
                : "'" + x.date(1, 9999) + "'"));
        all.add(new ColumnType("time", Kind.TIME, x -> "'" + x.time(23, 6) + "'"));
        all.add(new ColumnType("timestamp", Kind.TIMESTAMP, x -> infinity && x.chance(0.05) ? infinite(x)
                : "'" + x.date(1, 9999) + " " + x.time(23, 6) + "'"));
        // MariaDB's TIMESTAMP, the JDBC sink's target type for an instant, spans 1970–2038 (sink-jdbc.md)
        all.add(new ColumnType("timestamptz", Kind.TIMESTAMPTZ, x -> infinity && x.chance(0.05)
                ? infinite(x)
                : "'" + (mariaTarget ? x.date(1971, 2037) : x.date(1, 9999)) + " " + x.time(23, 6) + "+00'"));
        if (!v.rules.path().sink().equals(CasePath.SinkKind.JDBC)) {
            // Parquet only: the JDBC sink's MariaDB target keeps intervals as ISO text, not compared here
            all.add(new ColumnType("interval", Kind.INTERVAL, x -> "'" + x.integer(-1000, 1000) + " months "
                    + x.integer(-100, 100) + " days " + x.integer(-100000, 100000) + "." + x.between(0, 999999)
                    + " seconds'").withSource("(extract(year FROM {c}) * 12 + extract(month FROM {c}))::bigint || '/' ||"
                    + " extract(day FROM {c})::bigint || '/' || (extract(hour FROM {c}) * 3600000000"
                    + " + extract(minute FROM {c}) * 60000000 + extract(microseconds FROM {c}))::bigint"));
        }
        all.add(new ColumnType("uuid", Kind.UUID, x -> "'" + x.uuid() + "'"));
        all.add(new ColumnType("json", Kind.JSON, PgTypes::json));
        all.add(new ColumnType("jsonb", Kind.JSON, PgTypes::json));
        all.add(new ColumnType("integer[]", Kind.ARRAY, x -> {
            StringBuilder a = new StringBuilder("ARRAY[");
            int len = x.between(0, 5);
            for (int i = 0; i < len; i++) {
                a.append(i == 0 ? "" : ",").append(x.chance(0.2) ? "NULL" : x.integer(-1000, 1000));
            }
            return a.append("]::integer[]").toString();
        }));
        all.add(new ColumnType("text[]", Kind.ARRAY, x -> {
            StringBuilder a = new StringBuilder("ARRAY[");
            int len = x.between(0, 4);
            for (int i = 0; i < len; i++) {
                a.append(i == 0 ? "" : ",").append(x.chance(0.2) ? "NULL" : "'w" + x.between(0, 999) + "é'");
            }
            return a.append("]::text[]").toString();
        }));
        all.add(new ColumnType(prefix + "_mood", Kind.TEXT, x -> x.string(x.pick(List.of("sad", "ok", "happy 😀", "")))));
        all.add(new ColumnType("inet", Kind.TEXT, x -> "'" + x.between(0, 255) + "." + x.between(0, 255) + ".0."
                + x.between(0, 255) + (x.chance(0.5) ? "/" + x.between(8, 32) : "") + "'"));
        all.add(new ColumnType(prefix + "_pair", Kind.TEXT, x -> "ROW(" + x.integer(-5, 5) + ", 'b" + x.between(0, 9)
                + "')::" + prefix + "_pair"));
        all.add(new ColumnType("timetz", Kind.TEXT, x -> "'" + x.time(23, 6) + "+02'"));
        return v.pick(all);
    }

    private static String infinite(Values x) {
        return x.chance(0.5) ? "'infinity'" : "'-infinity'";
    }

    static String floatLiteral(Values x, boolean single, boolean specials) {
        int k = x.random.nextInt(specials ? 10 : 6);
        return switch (k) {
            case 0 -> "0";
            case 1 -> single ? "3.4028e38" : "1.7976931348623157e308";
            case 2 -> single ? "-1.17549435e-38" : "-2.2250738585072014e-308";
            case 3, 4, 5 -> single ? Float.toString((x.random.nextFloat() - 0.5f) * 1e6f)
                    : Double.toString((x.random.nextDouble() - 0.5) * 1e12);
            case 6 -> "'NaN'";
            case 7 -> "'Infinity'";
            case 8 -> "'-Infinity'";
            default -> "'-0'";
        };
    }

    /** A small object with keys in jsonb's own order (by length, then bytes), so json and jsonb print alike. */
    static String json(Values x) {
        return "'{\"a\": " + x.integer(-100, 100) + ", \"b\": \"s" + x.between(0, 99) + " ✓😀\", \"c\": "
                + (x.chance(0.5) ? "[1, null, true]" : "null") + "}'";
    }
}
